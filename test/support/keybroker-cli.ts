import { spawn } from 'node:child_process';
import path from 'node:path';
import { HANG_GUARD_MS } from './wait.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The real `keybroker` entry point, as a user runs it (needs `npm run build`; scripts/test.mjs builds first). */
export const KEYBROKER_BIN = path.join(ROOT, 'bin/keybroker.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `keybroker` bound to a test's environment (`(args, stdin) => runKeybroker(args, { env, stdin })`). */
export type Cli = (args: string[], stdin?: string) => Promise<CliResult>;

/**
 * How to start `keybroker`: node's arguments before the command's own. Default: the built
 * bin/keybroker.js. A test-only kind runs its own entry instead (`['--import', 'tsx',
 * 'test/fixtures/kinds/cookie-rest/serve-entry.ts']`), which registers the kind first.
 */
export type KeybrokerCommand = readonly string[];

/** Run `keybroker ...args` as a separate process and collect its output. */
export function runKeybroker(args: readonly string[], options: { env: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number; command?: KeybrokerCommand }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.command ?? [KEYBROKER_BIN]), ...args], { env: options.env, ...(options.command && { cwd: ROOT }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`keybroker ${args.join(' ')} did not finish in ${options.timeoutMs ?? HANG_GUARD_MS} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? HANG_GUARD_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * Poll `fn` until it returns a value other than undefined. `ms` is a hang guard only, never
 * a bound under test: it is raised to HANG_GUARD_MS so a loaded machine cannot fail a wait.
 */
export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = HANG_GUARD_MS): Promise<T> {
  ms = Math.max(ms, HANG_GUARD_MS);
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The first approval `keybroker approvals --json` lists, waited for. A CLI that gave up on a
 * loaded host ("did not answer … within 3 s", its bound for people, not for tests) is asked
 * again; any other failure is thrown with what the CLI printed.
 */
export function firstPendingApproval<T = unknown>(env: NodeJS.ProcessEnv): Promise<T> {
  return waitFor('the first pending approval', async () => {
    const r = await runKeybroker(['approvals', '--json'], { env });
    if (r.code !== 0 && /did not answer/.test(r.stderr)) return undefined;
    if (r.code !== 0) throw new Error(`keybroker approvals --json exited ${r.code}: ${r.stderr.trim()}`);
    return (JSON.parse(r.stdout) as T[])[0];
  });
}
