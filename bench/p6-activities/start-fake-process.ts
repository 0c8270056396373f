// Start the P6 fake in its own process (fake-process.ts), as a real P6 server runs apart from
// its clients: bench:p6's walk, raw read and MCP client then share no thread with it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FakeUser } from '../../test/fixtures/p6/user-directory.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A P6 fake running in a child process. */
export interface FakeProcess {
  readonly url: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly fingerprintSha256: string;
  /** The fake's pid, for its CPU figures. */
  readonly pid: number;
  /** Stop the fake (closing its stdin) and wait for it to exit. */
  stop(): Promise<void>;
}

/** Start fake-process.ts under tsx and wait for its address line. */
export async function startFakeProcess(options: { users: FakeUser[]; slowMs?: number }): Promise<FakeProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fake-process.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.stdin.end();
    await exited;
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (d: string) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(out.slice(0, nl));
      });
      proc.once('exit', (code) => reject(new Error(`the P6 fake process exited (${code}) before it listened`)));
      proc.stdin.write(`${JSON.stringify(options)}\n`);
    });
    const info = JSON.parse(line) as { url: string; caPem: string; caFile: string; fingerprintSha256: string };
    return { ...info, pid: proc.pid!, stop };
  } catch (e) {
    proc.kill();
    await exited;
    throw e;
  }
}
