/**
 * The built-in secret detectors. Each has a kind (the `[REDACTED:<kind>]` marker), the keywords a string
 * must contain (any of them, case-insensitive) for it to possibly match, and a global regex with two
 * groups: 1 a context that stays (`Authorization: Bearer `, `password=`), 2 the secret that is replaced.
 * Together the keywords are the prefilter: a string that holds none costs one scan and nothing more.
 *
 * Order matters: private key blocks first (they hold anything), then token formats, then the patterns
 * that need a context, so `GITHUB_TOKEN=ghp_…` is named github-token. A value starting with `[`, `$`,
 * `<` or `{` is never taken as a secret (a marker, a shell variable, a placeholder, a template).
 * Every pattern starts at a literal, and a run that is followed by more pattern is bounded (a JWT
 * segment, a URL's password), so no string costs quadratic time. Values inside JSON text
 * (`\"` escapes) end at the backslash; JSON text is also parsed and walked (redact-values.ts).
 *
 * Near misses that stay (see secret-detectors.test.ts): git SHAs, UUIDs, Claude Code's 64-hex user.id,
 * `token_count=5` and `max_tokens=1024` (the word must be followed by `=` or `:`), `sk-ant-test` (too
 * short), Stripe publishable keys (`pk_live_…`, public by design), `Bearer` followed by a word without
 * digits, URLs with a user but no password.
 */

export interface SecretDetector {
  readonly kind: string;
  /** Substrings (matched case-insensitively) of which a match contains at least one. */
  readonly keywords: readonly string[];
  /** Global; group 1 is kept, group 2 is replaced by the marker. */
  readonly pattern: RegExp;
}

/** Not a secret but a marker, a shell variable, a placeholder or a template. */
const NOT_PLACEHOLDER = String.raw`(?![\[$<{])`;
/** An optional quote, possibly escaped inside JSON text. */
const Q = String.raw`\\?["']?`;

const SECRET_WORD = String.raw`(?:password|passwd|passphrase|secret(?:[_-]?(?:access[_-]?)?key)?(?:[_-]?base)?|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)`;

/** A value that ends at its closing quote when it has an opening one, else at a delimiter. */
const ASSIGNED_VALUE = String.raw`(?:(?<=")[^"\\\r\n]+|(?<=')[^'\\\r\n]+|(?<!["'])[^\s"'\\&;|,)}\]]+)`;

const AUTH_SCHEME = '(?:bearer|basic|token|digest|bot|apikey|negotiate|ntlm)';

const AWS_PREFIXES = ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AIPA', 'ANPA', 'ANVA', 'AROA', 'APKA'];
const GITLAB_PREFIXES = [
  'glpat',
  'gldt',
  'glrt',
  'glptt',
  'glcbt',
  'glsoat',
  'gloas',
  'glft',
  'glimt',
  'glagent',
];

const re = (source: string, flags = 'g'): RegExp => new RegExp(source, flags);

export const SECRET_DETECTORS: readonly SecretDetector[] = [
  {
    kind: 'private-key',
    keywords: ['-----BEGIN'],
    pattern: re(
      String.raw`()(-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$))`,
    ),
  },
  {
    kind: 'jwt',
    keywords: ['eyJ'],
    pattern: re(String.raw`()(\beyJ[A-Za-z0-9_-]{10,1024}\.eyJ[A-Za-z0-9_-]{10,8192}\.[A-Za-z0-9_-]*)`),
  },
  {
    kind: 'anthropic-api-key',
    keywords: ['sk-ant-'],
    pattern: re(String.raw`()(\bsk-ant-[A-Za-z0-9_-]{20,})`),
  },
  {
    kind: 'openai-api-key',
    keywords: ['sk-'],
    pattern: re(String.raw`()(\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,}))`),
  },
  {
    kind: 'aws-access-key-id',
    keywords: AWS_PREFIXES,
    pattern: re(String.raw`()(\b(?:${AWS_PREFIXES.join('|')})[A-Z0-9]{16})(?![A-Za-z0-9])`),
  },
  {
    kind: 'aws-secret-access-key',
    keywords: ['secret'],
    pattern: re(
      String.raw`(aws[_-]?secret[_-]?(?:access[_-]?)?key${Q}\s*[:=]\s*${Q})([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      'gi',
    ),
  },
  {
    kind: 'github-token',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    pattern: re(String.raw`()(\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))`),
  },
  {
    kind: 'gitlab-token',
    keywords: GITLAB_PREFIXES.map((p) => `${p}-`),
    pattern: re(String.raw`()(\b(?:${GITLAB_PREFIXES.join('|')})-[A-Za-z0-9_-]{20,})`),
  },
  {
    kind: 'slack-webhook',
    keywords: ['hooks.slack.com'],
    pattern: re(String.raw`(https://hooks\.slack\.com/(?:services|workflows|triggers)/)([A-Za-z0-9_/-]{8,})`),
  },
  {
    kind: 'slack-token',
    keywords: ['xox', 'xapp-'],
    pattern: re(String.raw`()(\b(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}))`),
  },
  {
    kind: 'stripe-key',
    keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'whsec_'],
    pattern: re(String.raw`()(\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{16,}))`),
  },
  {
    kind: 'google-api-key',
    keywords: ['AIza'],
    pattern: re(String.raw`()(\bAIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])`),
  },
  {
    kind: 'npm-token',
    keywords: ['npm_'],
    pattern: re(String.raw`()(\bnpm_[A-Za-z0-9]{36})(?![A-Za-z0-9])`),
  },
  {
    kind: 'url-password',
    keywords: ['://'],
    pattern: re(String.raw`(://[^\s:@/?#"'\\]{0,256}:)(${NOT_PLACEHOLDER}[^\s@/?#"'\\]{1,256})(?=@)`),
  },
  {
    kind: 'authorization-header',
    keywords: ['authorization'],
    pattern: re(
      String.raw`(authorization${Q}\s*[:=]\s*${Q}(?:${AUTH_SCHEME}(?:\s+|%20))?)(${NOT_PLACEHOLDER}(?!${AUTH_SCHEME}(?:\s|%20))[^\s"'\\,;]+)`,
      'gi',
    ),
  },
  {
    kind: 'bearer-token',
    keywords: ['bearer'],
    pattern: re(
      String.raw`(\bbearer(?:\s+|%20))(${NOT_PLACEHOLDER}(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{8,}=*)`,
      'gi',
    ),
  },
  {
    // `=` takes any value; `:` (YAML, prose, truncated JSON) only a quoted one or one of 8+ characters.
    kind: 'secret-assignment',
    keywords: [
      'passw',
      'passphrase',
      'secret',
      'token',
      'apikey',
      'api_key',
      'api-key',
      'access_key',
      'access-key',
      'accesskey',
      'private_key',
      'private-key',
      'privatekey',
      'credential',
    ],
    pattern: re(
      String.raw`(${SECRET_WORD}${Q}(?:\s*=\s*|\s*:\s*(?=\\?["']|[^\s"'\\]{8}))${Q})(${NOT_PLACEHOLDER}${ASSIGNED_VALUE})`,
      'gi',
    ),
  },
];

/**
 * An attribute or JSON object key whose string value is a secret as a whole (`password`,
 * `GITHUB_TOKEN`, `api_key`, `client_secret`, `Authorization`), whatever the value looks like.
 * `max_tokens`, `token_count`, `input_tokens` are not.
 */
export const SECRET_KEY = new RegExp(`(?:${SECRET_WORD}|authorization)$`, 'i');

/** The kind of a string that was a secret by its key (and of `password=…` in text). */
export const SECRET_KEY_KIND = 'secret-assignment';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** One case-insensitive regex that matches every string any detector could match (and more). */
export function keywordPrefilter(detectors: readonly SecretDetector[]): RegExp {
  const words = [...new Set(detectors.flatMap((d) => d.keywords.map((k) => k.toLowerCase())))];
  return new RegExp(words.map(escapeRegex).join('|'), 'i');
}

/** The shortest string a built-in detector can match (`token=x`), below which none is tried. */
export const MIN_SECRET_LENGTH = 6;
