/** The outcome of one doctor check, and what the checks share while they run. */
import type { ClientConfig } from '../setup/client-config.js';
import type { Env, SetupPaths } from '../setup/setup-paths.js';
import { CHECKS, docsLink, failure, type CheckId, type FailureId } from './doctor-catalog.js';
import type { EffectiveEnv } from './effective-env.js';
import type { LogsTarget } from './logs-target.js';

export type Status = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: Status;
  /** What was found: a version, a URL, the variable at fault, the collector's message. */
  detail: string;
  failure?: { id: FailureId; symptom: string; cause: string; fix: string; docs: string };
}

export interface DoctorOptions {
  paths: SetupPaths;
  /** The environment Claude Code would start with (doctor's own). */
  env: Env;
  /** Where Claude Code would run: its project settings are read from here. */
  projectDir: string;
  /** The claude binary (default: `claude` on PATH). */
  claude?: string;
  /** Managed settings folder (default: the platform's). */
  managedDir?: string;
  /** How long the round trip waits for the collector to store the test event. */
  roundTripMs?: number;
}

/** Shared between checks: what earlier checks found. */
export interface DoctorState {
  client: ClientConfig | null;
  effective: EffectiveEnv;
  target: LogsTarget | null;
  /** The collector's HTTP URL (client.json, else the HTTP endpoint). */
  server: string | null;
  results: Partial<Record<CheckId, CheckResult>>;
}

const titleOf = (id: CheckId): string => CHECKS.find((c) => c.id === id)?.title ?? id;

export const pass = (id: CheckId, detail: string): CheckResult => ({
  id,
  title: titleOf(id),
  status: 'pass',
  detail,
});

export const skip = (id: CheckId, detail: string): CheckResult => ({
  id,
  title: titleOf(id),
  status: 'skip',
  detail,
});

export function fail(id: CheckId, failureId: FailureId, detail: string): CheckResult {
  const f = failure(failureId);
  return {
    id,
    title: titleOf(id),
    status: 'fail',
    detail,
    failure: { id: failureId, symptom: f.symptom, cause: f.cause, fix: f.fix, docs: docsLink(failureId) },
  };
}

/** Whether an earlier check passed. */
export const passed = (s: DoctorState, id: CheckId): boolean => s.results[id]?.status === 'pass';
