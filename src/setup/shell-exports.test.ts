/** Shell exports: a POSIX shell reads back exactly the values, spaces and quotes included. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellExports } from './shell-exports.js';

describe('shellExports', () => {
  it('quotes only what needs it, and sh reads every value back unchanged', () => {
    const vars = {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer uns_abc',
      ODD: `it's "$HOME" \\ \`x\``,
    };
    const text = shellExports(vars);
    expect(text.split('\n')[0]).toBe('export CLAUDE_CODE_ENABLE_TELEMETRY=1');
    expect(text).toContain(`export OTEL_EXPORTER_OTLP_HEADERS='Authorization=Bearer uns_abc'`);
    const script = `${text}\nfor k in ${Object.keys(vars).join(' ')}; do eval "printf '%s\\0' \\"\\$$k\\""; done`;
    const values = execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH } })
      .toString()
      .split('\0');
    expect(values.slice(0, -1)).toEqual(Object.values(vars));
  });
});
