import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import type { EndpointKind } from '../../src/base/kinds/registry.js';
import type { UpstreamLogin } from '../../src/platform/broker/upstream-login.js';
import type { Keychain } from '../../src/platform/keychain/keychain.js';

/** What one in-process `keybroker` invocation printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Run `keybroker ...argv` in-process against `home`, with `stdin` piped in, a fake keychain and, if given, the login test's logins. */
export async function runIn(home: string, argv: string[], opts: { stdin?: string; keychain?: Keychain; now?: number; env?: NodeJS.ProcessEnv; logins?: Readonly<Record<EndpointKind, UpstreamLogin>> } = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli({
    argv,
    env: { KEYBROKER_HOME: home, ...opts.env },
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    stdout,
    stderr,
    stopSignal: new AbortController().signal,
    services: {
      keychain: () => {
        if (!opts.keychain) throw new Error('this test gave no keychain: the command should not need one');
        return opts.keychain;
      },
      ...(opts.now !== undefined ? { now: () => opts.now! } : {}),
      ...(opts.logins !== undefined ? { logins: () => opts.logins! } : {}),
    },
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Every file under `dir`, recursively, with its bytes (sockets and other non-files skipped). */
export function readAllFiles(dir: string): Array<{ file: string; bytes: Buffer }> {
  const out: Array<{ file: string; bytes: Buffer }> = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...readAllFiles(p));
    else if (entry.isFile()) out.push({ file: p, bytes: fs.readFileSync(p) });
  }
  return out;
}
