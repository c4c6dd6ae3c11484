import { describe, expect, it } from 'vitest';
import { estimateCost, priceOf } from './pricing.js';

describe('estimateCost', () => {
  it('matches what Claude Code 2.1.328 reported for a captured session (cost-state: $0.00142)', () => {
    const call = { input_tokens: 100, cache_creation_input_tokens: 10, cache_read_input_tokens: 50 };
    const total =
      (estimateCost('claude-opus-5-5', { ...call, output_tokens: 20 }) ?? NaN) +
      (estimateCost('claude-opus-5-5', { ...call, output_tokens: 5 }) ?? NaN);
    expect(total).toBeCloseTo(0.00142, 10);
  });

  it.each([
    ['claude-sonnet-4-5-20250929', 3],
    ['claude-opus-4-1[1m]', 15],
    ['claude-sonnet-4', 3],
    ['claude-haiku-4-5', 1],
  ])('prices %s by its longest known prefix', (model, input) => {
    expect(priceOf(model)?.input).toBe(input);
  });

  it('prices 1-hour cache writes at 2× input and US inference at 1.1×, and knows no unknown model', () => {
    const u = {
      cache_creation_input_tokens: 1_000_000,
      cache_creation: { ephemeral_1h_input_tokens: 1_000_000 },
    };
    expect(estimateCost('claude-sonnet-4-5', u)).toBeCloseTo(6, 10);
    expect(estimateCost('claude-sonnet-4-5', { input_tokens: 1_000_000, inference_geo: 'us' })).toBeCloseTo(
      3.3,
      10,
    );
    expect(estimateCost('gpt-4', { input_tokens: 1 })).toBeNull();
  });
});
