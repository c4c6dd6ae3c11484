/**
 * Model prices for estimating the cost of API requests imported from transcripts (telemetry carries
 * Claude Code's own `cost_usd`; transcripts carry only usage). USD per million tokens, as Claude Code
 * 2.1.328 prices them (its model catalogue, build 2026-11-18): input, output, 5-minute and 1-hour cache
 * writes, cache reads. Requests served in the US (`inference_geo: "us"`) cost 1.1×, as Claude Code
 * counts them. Not modelled: long-prompt tiers, fast mode, web searches; an imported cost says it is
 * an estimate (`unsilo.cost_estimated`) and which table priced it (`unsilo.pricing`).
 */
export const PRICING_DATE = '2026-11-18';

interface Price {
  input: number;
  output: number;
  write5m: number;
  write1h: number;
  read: number;
}

const tier = (input: number, output: number, read = input / 10): Price => ({
  input,
  output,
  write5m: input * 1.25,
  write1h: input * 2,
  read,
});

/** By model id; a dated or suffixed id (`claude-sonnet-4-5-20250929`, `…[1m]`) takes its longest prefix. */
const PRICES: Record<string, Price> = {
  'claude-3-5-haiku': tier(0.8, 4),
  'claude-haiku-4-5': tier(1, 5),
  'claude-haiku-5-5': tier(0.1, 0.5),
  'claude-3-5-sonnet': tier(3, 15),
  'claude-3-7-sonnet': tier(3, 15),
  'claude-sonnet-4-0': tier(3, 15),
  'claude-sonnet-4': tier(3, 15),
  'claude-sonnet-4-5': tier(3, 15),
  'claude-sonnet-4-6': tier(3, 15),
  'claude-sonnet-5': tier(2, 10),
  'claude-sonnet-5-5': tier(2, 10, 0.1),
  'claude-opus-4-0': tier(15, 75),
  'claude-opus-4': tier(15, 75),
  'claude-opus-4-1': tier(15, 75),
  'claude-opus-4-5': tier(5, 25),
  'claude-opus-4-6': tier(5, 25),
  'claude-opus-4-7': tier(5, 25),
  'claude-opus-4-8': tier(5, 25),
  'claude-opus-5': tier(5, 25),
  'claude-opus-5-5': tier(4, 20, 0.2),
  'claude-fable-5': tier(10, 50, 1),
  'claude-fable-5-1': tier(10, 50, 0.25),
  'claude-fable-5-2': tier(8, 40, 0.2),
  'claude-mythos-5': tier(10, 50, 0.25),
  'claude-mythos-5-2': tier(8, 40, 0.2),
};

const BY_LENGTH = Object.keys(PRICES).sort((a, b) => b.length - a.length);

export function priceOf(model: string): Price | null {
  const id = model.toLowerCase().replace(/\[.*\]$/, '');
  const hit = BY_LENGTH.find((p) => id === p || id.startsWith(`${p}-`) || id.startsWith(`${p}@`));
  return hit === undefined ? null : (PRICES[hit] as Price);
}

/** Usage as the Messages API reports it (and transcripts keep it). */
export interface ApiUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
  inference_geo?: string;
}

/** Estimated USD for one response, or null for a model the table does not know. */
export function estimateCost(model: string, u: ApiUsage): number | null {
  const p = priceOf(model);
  if (!p) return null;
  const writes = u.cache_creation_input_tokens ?? 0;
  const oneHour = Math.min(writes, u.cache_creation?.ephemeral_1h_input_tokens ?? 0);
  const usd =
    ((u.input_tokens ?? 0) * p.input +
      (u.output_tokens ?? 0) * p.output +
      (u.cache_read_input_tokens ?? 0) * p.read +
      (writes - oneHour) * p.write5m +
      oneHour * p.write1h) /
    1e6;
  return usd * (u.inference_geo === 'us' ? 1.1 : 1);
}
