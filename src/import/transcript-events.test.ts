import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURES } from '../../test/fixtures/captures.js';
import { transcriptEvents, type TranscriptOptions } from './transcript-events.js';

const lines = (file: string): unknown[] =>
  readFileSync(path.join(CAPTURES, 'transcript', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);

const OFF: TranscriptOptions = { logPrompts: false, logToolDetails: false, since: null };
const summary = (o: TranscriptOptions, file = 'main-session-bash-tool.jsonl') =>
  transcriptEvents(lines(file), o).events.map((e) => e.attributes);

describe('transcriptEvents (a real Claude Code 2.1.328 transcript)', () => {
  it('gives the prompt, each API request with estimated cost, the tool result and the final response', () => {
    const events = summary(OFF);
    expect(
      events.map((a) => [a['event.name'], a['tool_use_id'] ?? a['request_id'] ?? a['message.uuid']]),
    ).toEqual([
      ['user_prompt', '16425179-0705-485c-ba0c-391dbdd15d11'],
      ['api_request', 'req_9'],
      ['tool_result', 'toolu_8'],
      ['api_request', 'req_10'],
      ['assistant_response', 'req_10'],
    ]);
    const [prompt, first, tool, second] = events;
    expect(prompt).toMatchObject({
      prompt: '<REDACTED>',
      prompt_length: '20',
      'unsilo.source': 'transcript',
    });
    expect(first).toMatchObject({
      'session.id': '07aeaac8-1dd5-4beb-a9cb-eac8c582e6b3',
      'prompt.id': 'c6052fed-8379-46fb-8254-f4fb19445b1a',
      model: 'claude-opus-5-5',
      input_tokens: 100,
      output_tokens: 20,
      cache_read_tokens: 50,
      cache_creation_tokens: 10,
      'unsilo.cost_estimated': true,
      'git.branch': 'feature/telemetry-test',
    });
    // What Claude Code itself counted for the session (cost-state totalCostUSD).
    expect(Number(first?.cost_usd) + Number(second?.cost_usd)).toBeCloseTo(0.00142, 10);
    expect(tool).toMatchObject({ tool_name: 'Bash', success: 'false', request_id: 'req_9' });
    expect(tool).not.toHaveProperty('tool_input');
  });

  it('sends prompt text and tool details only with the opt-ins', () => {
    const [prompt, , tool, , response] = summary({ ...OFF, logPrompts: true, logToolDetails: true });
    expect(prompt?.prompt).toBe('run a command please');
    expect(response?.response).toBe('Done.');
    expect(JSON.parse(String(tool?.tool_input))).toEqual({
      command: 'echo hello && false',
      description: 'say hello',
    });
    expect(tool?.error).toBe('Exit code 1\nhello');
  });

  it('leaves out records before --since, and reads subagent transcripts with their agent id', () => {
    expect(
      summary({ ...OFF, since: Date.parse('2026-11-28T06:57:39.300Z') }).map((a) => a['event.name']),
    ).toEqual(['tool_result', 'api_request', 'assistant_response']);
    const sub = summary(OFF, 'subagent-agent-ab82ad8fd72009ed2.jsonl');
    expect(sub.length).toBeGreaterThan(0);
    expect(new Set(sub.map((a) => a.agent_id))).toEqual(new Set(['ab82ad8fd72009ed2']));
  });
});
