/**
 * The PipelineContext the collector builds for a request without an ingest token, from the default
 * config (as src/ingest/pipeline-runner.ts does), so the in-process figures run the same pipeline as
 * the server.
 */
import { ServeConfig } from '../src/config/config.js';
import { compileAttribution } from '../src/pipeline/enrich/enrich-attribution.js';
import type { PipelineContext } from '../src/pipeline/run-pipeline.js';

export const defaultServeConfig = (): ServeConfig => ServeConfig.parse({});

export function defaultPipelineContext(): PipelineContext {
  return { tokenMember: null, attribution: compileAttribution(defaultServeConfig().attribution) };
}
