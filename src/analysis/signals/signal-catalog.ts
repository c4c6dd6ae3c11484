/**
 * The built-in failure signals (detectors), per session. Signals are sampling aids and detectors,
 * never the verdict. Most count the session's events that match a condition on `ev` (the events with
 * a few window columns, see session-signals.ts) and flag the session above a threshold; two are
 * relative to the session's chapter (long sessions, cost per prompt). A detector used as a metric
 * carries its `version`: a change to its definition bumps it, and a measurement recomputes both
 * windows with the version in force.
 *
 * Validation commands are recognised at ingest (`events.validation_kind`, from the configured
 * `validation.*` patterns), so they need the command: from Claude Code with OTEL_LOG_TOOL_DETAILS=1, or
 * from unsilo's PostToolUse / PostToolUseFailure hooks (`tool_outcomes`, joined in signal-sql.ts).
 */

export interface CountSignal {
  kind: 'count';
  name: string;
  version: number;
  description: string;
  /** The session is flagged when its count is above this. */
  above: number;
  /** Condition on a row of `ev` (SQL both engines speak). */
  where: string;
  /** The condition reads the window columns of `ev`; per session it is computed by signal-sql.ts `windowedCtes`. */
  windowed?: true;
  needs: string;
}

export interface RelativeSignal {
  kind: 'relative';
  name: string;
  version: number;
  description: string;
  /** How the flag is computed (the code is in session-signals.ts). */
  flagRule: string;
  /** Which events make the value (shown by `signals test`). */
  where: string;
  needs: string;
}

export type SignalDef = CountSignal | RelativeSignal;

const TOOL_RESULT = "event_name = 'tool_result'";
const VALIDATION = `${TOOL_RESULT} AND validation_kind IS NOT NULL`;

export const SIGNALS: readonly SignalDef[] = [
  {
    kind: 'count',
    name: 'validation_failures',
    version: 1,
    description:
      'failing tool results whose command is a validation (tests, linters, type checks, builds, book tools)',
    above: 3,
    where: `${VALIDATION} AND success = false`,
    needs: "the command: unsilo's tool hooks (setup) or OTEL_LOG_TOOL_DETAILS=1",
  },
  {
    kind: 'count',
    name: 'validation_reruns',
    version: 1,
    description: 'validation commands run again after the same command failed within the same prompt',
    above: 2,
    where: `${VALIDATION} AND prior_failures > 0`,
    windowed: true,
    needs: "the command: unsilo's tool hooks (setup) or OTEL_LOG_TOOL_DETAILS=1",
  },
  {
    kind: 'count',
    name: 'tool_retry_loop',
    version: 1,
    description: 'calls of one tool with identical input, 3 or more, none of them successful',
    above: 0,
    where: `${TOOL_RESULT} AND tool_input IS NOT NULL AND same_calls >= 3 AND same_successes = 0`,
    windowed: true,
    needs: "the input: OTEL_LOG_TOOL_DETAILS=1 (for Bash, unsilo's tool hooks suffice)",
  },
  {
    kind: 'count',
    name: 'edit_failures',
    version: 1,
    description: 'failing Edit, MultiEdit, Write and NotebookEdit calls',
    above: 2,
    where: `${TOOL_RESULT} AND tool_name IN ('Edit', 'MultiEdit', 'Write', 'NotebookEdit') AND success = false`,
    needs: '—',
  },
  {
    kind: 'count',
    name: 'api_errors',
    version: 1,
    description: 'API calls that finally failed (api_error)',
    above: 2,
    where: "event_name = 'api_error'",
    needs: '—',
  },
  {
    kind: 'count',
    name: 'api_retries_exhausted',
    version: 1,
    description: 'API calls that failed after every retry (api_retries_exhausted)',
    above: 0,
    where: "event_name = 'api_retries_exhausted'",
    needs: '—',
  },
  {
    kind: 'count',
    name: 'user_rejections',
    version: 1,
    description:
      'tool calls the user rejected or aborted (not rejections by config, hooks or the classifier)',
    above: 0,
    where: "event_name = 'tool_decision' AND decision = 'reject' AND source IN ('user_reject', 'user_abort')",
    needs: '—',
  },
  {
    kind: 'count',
    name: 'compactions',
    version: 1,
    description: 'context compactions, automatic or manual',
    above: 0,
    where: "event_name = 'compaction'",
    needs: '—',
  },
  {
    kind: 'relative',
    name: 'long_session',
    version: 1,
    description: 'prompts in the session (user_prompt events, else distinct prompt ids)',
    flagRule: "above the 90th percentile of the sessions of the same chapter (the chapter's top decile)",
    where: "event_name = 'user_prompt'",
    needs: '—',
  },
  {
    kind: 'relative',
    name: 'cost_per_prompt',
    version: 1,
    description: 'cost (USD) per prompt of the session',
    flagRule: 'above 3× the median of the sessions of the same chapter',
    where: "event_name = 'api_request'",
    needs: '—',
  },
];

export class UnknownSignalError extends Error {
  override readonly name = 'UnknownSignalError';
}

export function signalByName(name: string): SignalDef {
  const s = SIGNALS.find((x) => x.name === name);
  if (!s) {
    throw new UnknownSignalError(
      `no signal "${name}"; \`unsilo signals list\` shows them: ${SIGNALS.map((x) => x.name).join(', ')}`,
    );
  }
  return s;
}

/** The signal's id as recorded with samples and measurements: `name@version`. */
export const signalId = (s: SignalDef): string => `${s.name}@${s.version}`;
