import { describe, expect, it } from 'vitest';
import { canaryCases, filler } from './canary-corpus.js';
import { defaultRedaction } from './redact-batch.js';
import { redactString } from './redact-values.js';
import { SECRET_DETECTORS } from './secret-detectors.js';

const redact = (s: string): { out: string; n: number } => {
  const t = { n: 0 };
  return { out: redactString(s, defaultRedaction(), t), n: t.n };
};

const CASES = canaryCases();

describe('built-in detectors: every kind has a canary', () => {
  it('covers each detector once, in order', () => {
    expect(CASES.map((c) => c.kind)).toEqual(SECRET_DETECTORS.map((d) => d.kind));
  });
});

describe.each(CASES)('$kind', (c) => {
  const contexts = {
    'a Bash command': c.bash,
    'a line of a file': c.line,
    'a prompt': `Deploys fail with 401. My config has:\n${c.line}\nWhy?`,
    'JSON text (tool_parameters)': JSON.stringify({ bash_command: 'sh', full_command: c.bash }),
    'truncated JSON text': JSON.stringify({ command: c.bash, description: 'x'.repeat(50) }).slice(0, -20),
  };
  it.each(Object.entries(contexts))('is redacted in %s', (_, text) => {
    const { out, n } = redact(text);
    for (const s of c.secrets) expect(out).not.toContain(s);
    expect(out).toContain(`[REDACTED:${c.kind}]`);
    expect(n).toBeGreaterThanOrEqual(1);
  });

  it('is a candidate for the keyword prefilter', () => {
    expect(defaultRedaction().prefilter.test(c.line)).toBe(true);
  });
});

const KEY_BODY = filler(40, 64);

describe('more true positives in realistic contexts', () => {
  it.each([
    [
      'an OpenSSH key in a JSON tool input',
      JSON.stringify({
        content: `-----BEGIN OPENSSH PRIVATE KEY-----\n${KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`,
      }),
      [KEY_BODY],
      'private-key',
    ],
    [
      'a key cut off by the length limit',
      `cat <<EOF > key.pem\n-----BEGIN EC PRIVATE KEY-----\n${KEY_BODY}`,
      [KEY_BODY],
      'private-key',
    ],
    [
      'a quoted password with spaces',
      `export DB_PASSWORD="correct horse ${KEY_BODY.slice(0, 8)}"`,
      ['correct horse'],
      'secret-assignment',
    ],
    ['a YAML password', `password: "${KEY_BODY.slice(0, 9)}"`, [KEY_BODY.slice(0, 9)], 'secret-assignment'],
    [
      'a JSON password (by key)',
      JSON.stringify({ user: 'app', password: 'hunter2' }),
      ['hunter2'],
      'secret-assignment',
    ],
    [
      'a client secret flag',
      `gcloud auth --client-secret=${KEY_BODY.slice(0, 20)}`,
      [KEY_BODY.slice(0, 20)],
      'secret-assignment',
    ],
    [
      'a password-only URL',
      `redis-cli -u redis://:${KEY_BODY.slice(0, 12)}@cache:6379 ping`,
      [KEY_BODY.slice(0, 12)],
      'url-password',
    ],
    [
      'an OTLP headers variable',
      `OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${KEY_BODY.slice(0, 24)}`,
      [KEY_BODY.slice(0, 24)],
      'authorization-header',
    ],
    [
      'a JSON Authorization header',
      JSON.stringify({ headers: { Authorization: `Bearer ${KEY_BODY.slice(0, 30)}` } }),
      [KEY_BODY.slice(0, 30)],
      'bearer-token',
    ],
  ])('%s', (_, text, secrets, kind) => {
    const { out } = redact(text);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).toContain(`[REDACTED:${kind}]`);
  });
});

describe('near misses stay as they are', () => {
  it.each([
    ['a git sha', 'git checkout 3f2a9c1e5b7d4f6a8c0e2b4d6f8a0c2e4b6d8f0a'],
    ['an uppercase sha', 'Reverted 3F2A9C1E5B7D4F6A8C0E2B4D6F8A0C2E4B6D8F0A'],
    ['a UUID', '07aeaac8-1dd5-4beb-a9cb-eac8c582e6b3'],
    ["Claude Code's user.id", 'a3f1c2e4b5d6978812345678abcdef0123456789abcdef0123456789abcdef01'],
    ['a token count', 'token_count=5 max_tokens=1024 input_tokens: 1200'],
    ['a tokenizer flag', 'python train.py --tokenizer=gpt2 --tokens=512'],
    ['a too-short test key', 'sk-ant-test'],
    ['a word with sk- inside', 'open risk-assessment-2024-q3-final-report-version-two.pdf'],
    ['a Stripe publishable key', `STRIPE_PUBLISHABLE_KEY=${['pk', 'live', filler(41, 24)].join('_')}`],
    ['bearer in prose', 'the bearer of bad news; Bearer authentication is required'],
    [
      'a URL with a user only',
      'git clone ssh://git@github.com/acme/app.git && open https://github.com/acme/app',
    ],
    [
      'shell variables and placeholders',
      'curl -u "$USER:$PASS" --password=$DB_PASSWORD token=<your-token> secret=${SECRET}',
    ],
    ['a public certificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----'],
    ['a JWT header alone', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'],
    ['an npm config variable', 'npm_config_cache=/tmp/npm-cache npm ci'],
    ['prose about authorization', 'the Authorization header is missing'],
    ["Claude Code's own redaction", '<REDACTED>'],
    [
      'a Claude Code tool_parameters value',
      '{"bash_command":"npm","full_command":"npm test -- --run","timeout":120000}',
    ],
  ])('%s', (_, text) => {
    expect(redact(text)).toEqual({ out: text, n: 0 });
  });
});
