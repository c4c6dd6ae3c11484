/**
 * The PipelineContext the collector builds for a request without an ingest token, from the default
 * config (as src/collector.ts does), so the in-process figures run the same pipeline as the server.
 */
import { ServeConfig } from '../src/config/config.js';
import type { PipelineContext } from '../src/pipeline/run-pipeline.js';

export function defaultPipelineContext(): PipelineContext {
  const cfg = ServeConfig.parse({});
  return {
    tokenMember: null,
    attribution: {
      featurePattern: new RegExp(cfg.attribution.featurePattern),
      chapterPattern: new RegExp(cfg.attribution.chapterPattern),
    },
  };
}
