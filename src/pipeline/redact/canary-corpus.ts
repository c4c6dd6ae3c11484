/**
 * The canary corpus: one realistic, obviously fake secret per built-in detector, each used in a Bash
 * command and in a line of a file (a `.env`, a config) that also appears in a prompt. The values are
 * built at run time from a seeded generator, so the repository holds no string a secret scanner would
 * flag, and every run (and every test) sees the same values.
 */

export interface CanaryCase {
  /** The detector expected to name it. */
  kind: string;
  /** What must never be stored (a private key's body lines, a token, a password). */
  secrets: readonly string[];
  /** A Bash command that uses the secret. */
  bash: string;
  /** A line of a file or config that holds it. */
  line: string;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz${DIGITS}`;
const BASE64 = `${ALNUM}+/`;

/** Deterministic characters from an alphabet (mulberry32 seeded by `seed`). */
export function filler(seed: number, length: number, alphabet = ALNUM): string {
  let a = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out += alphabet[(((t ^ (t >>> 14)) >>> 0) % alphabet.length) | 0];
  }
  return out;
}

const b64url = (s: string): string => Buffer.from(s).toString('base64url');

function privateKey(): { block: string; body: string[] } {
  const body = [1, 2, 3].map((i) => filler(100 + i, 64, BASE64));
  const label = ['RSA', 'PRIVATE', 'KEY'].join(' ');
  return { block: [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join('\n'), body };
}

export function canaryCases(): CanaryCase[] {
  const key = privateKey();
  const jwt = [
    b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
    b64url(JSON.stringify({ sub: `user-${filler(2, 8, DIGITS)}`, role: 'admin', iat: 1764316800 })),
    filler(3, 43, `${ALNUM}_-`),
  ].join('.');
  const anthropic = ['sk', 'ant', 'api03', `${filler(4, 93, `${ALNUM}_-`)}AA`].join('-');
  const openai = ['sk', 'proj', filler(5, 64, `${ALNUM}_-`)].join('-');
  const awsId = ['AK', 'IA', filler(6, 16, UPPER + DIGITS)].join('');
  const awsSecret = filler(7, 40, BASE64);
  const github = ['gh', 'p_', filler(8, 36)].join('');
  const gitlab = ['gl', 'pat-', filler(9, 20, `${ALNUM}_`)].join('');
  const slack = ['xox' + 'b', filler(10, 12, DIGITS), filler(11, 13, DIGITS), filler(12, 24)].join('-');
  const hookPath = `T${filler(13, 8, UPPER)}/B${filler(14, 8, UPPER)}/${filler(15, 24)}`;
  const hook = `https://hooks.${'slack'}.com/services/${hookPath}`;
  const stripe = ['sk', 'live', filler(16, 24)].join('_');
  const google = ['AI', 'za', filler(17, 35, `${ALNUM}_-`)].join('');
  const npm = ['np', 'm_', filler(18, 36)].join('');
  const dbPassword = `${filler(19, 15)}9`;
  const basic = Buffer.from(`deploy:${filler(20, 16)}`).toString('base64');
  const bearer = `${filler(21, 31, `${ALNUM}._-`)}7`;
  const password = `hunter2-${filler(22, 10)}`;
  return [
    {
      kind: 'private-key',
      secrets: key.body,
      bash: `printf '%s\\n' '${key.block}' > ~/.ssh/deploy_key && chmod 600 ~/.ssh/deploy_key`,
      line: key.block,
    },
    {
      kind: 'jwt',
      secrets: [jwt],
      bash: `curl -s -H "X-Session: ${jwt}" https://api.example.com/me`,
      line: `SESSION_JWT=${jwt}`,
    },
    {
      kind: 'anthropic-api-key',
      secrets: [anthropic],
      bash: `ANTHROPIC_API_KEY=${anthropic} claude -p "summarize the diff"`,
      line: `ANTHROPIC_API_KEY=${anthropic}`,
    },
    {
      kind: 'openai-api-key',
      secrets: [openai],
      bash: `curl https://api.openai.com/v1/models -H "Authorization: Bearer ${openai}"`,
      line: `OPENAI_API_KEY=${openai}`,
    },
    {
      kind: 'aws-access-key-id',
      secrets: [awsId],
      bash: `aws configure set aws_access_key_id ${awsId} && aws sts get-caller-identity`,
      line: `aws_access_key_id = ${awsId}`,
    },
    {
      kind: 'aws-secret-access-key',
      secrets: [awsSecret],
      bash: `AWS_SECRET_ACCESS_KEY=${awsSecret} aws s3 ls s3://acme-backups`,
      line: `aws_secret_access_key = ${awsSecret}`,
    },
    {
      kind: 'github-token',
      secrets: [github],
      bash: `git clone https://x-access-token:${github}@github.com/acme/app.git`,
      line: `GITHUB_TOKEN=${github}`,
    },
    {
      kind: 'gitlab-token',
      secrets: [gitlab],
      bash: `curl --header "PRIVATE-TOKEN: ${gitlab}" https://gitlab.example.com/api/v4/projects`,
      line: `GITLAB_TOKEN=${gitlab}`,
    },
    {
      kind: 'slack-webhook',
      secrets: [hookPath],
      bash: `curl -X POST -H 'Content-type: application/json' --data '{"text":"deployed"}' ${hook}`,
      line: `SLACK_WEBHOOK_URL=${hook}`,
    },
    {
      kind: 'slack-token',
      secrets: [slack],
      bash: `curl -X POST -d "token=${slack}&channel=C024BE91L&text=deployed" https://slack.com/api/chat.postMessage`,
      line: `SLACK_BOT_TOKEN=${slack}`,
    },
    {
      kind: 'stripe-key',
      secrets: [stripe],
      bash: `curl https://api.stripe.com/v1/charges -u ${stripe}:`,
      line: `STRIPE_SECRET_KEY=${stripe}`,
    },
    {
      kind: 'google-api-key',
      secrets: [google],
      bash: `curl "https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=${google}"`,
      line: `GOOGLE_MAPS_API_KEY=${google}`,
    },
    {
      kind: 'npm-token',
      secrets: [npm],
      bash: `npm config set //registry.npmjs.org/:_authToken ${npm} && npm publish`,
      line: `//registry.npmjs.org/:_authToken=${npm}`,
    },
    {
      kind: 'url-password',
      secrets: [dbPassword],
      bash: `psql "postgres://app:${dbPassword}@db.internal:5432/orders" -c 'select 1'`,
      line: `DATABASE_URL=postgres://app:${dbPassword}@db.internal:5432/orders`,
    },
    {
      kind: 'authorization-header',
      secrets: [basic],
      bash: `curl -H "Authorization: Basic ${basic}" https://ci.example.com/api/json`,
      line: `Authorization: Basic ${basic}`,
    },
    {
      kind: 'bearer-token',
      secrets: [bearer],
      bash: `wget --header="X-Api-Auth: Bearer ${bearer}" https://api.example.com/v2/orders`,
      line: `API_AUTH_HEADER=Bearer ${bearer}`,
    },
    {
      kind: 'secret-assignment',
      secrets: [password],
      bash: `mysql --user=app --password=${password} orders -e 'show tables'`,
      line: `DB_PASSWORD=${password}`,
    },
  ];
}
