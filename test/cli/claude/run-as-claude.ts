import { spawn } from 'node:child_process';
import { HANG_GUARD_MS } from '../../support/wait.js';

/** What a bridge answered to `initialize`, and how it ended. */
export interface InitializeResult {
  readonly response: { jsonrpc: string; id: unknown; error?: { code: number; message: string }; result?: unknown };
  readonly code: number | null;
}

/**
 * Start `command args` the way Claude Desktop does (stdio pipes, only the given environment),
 * send one MCP `initialize`, close stdin, and collect the first stdout line. Rejects after
 * `timeoutMs`: a bridge that hangs is a failure, not a slow test.
 */
export function initializeOverStdio(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = HANG_GUARD_MS): Promise<InitializeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} gave no answer in ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n')[0] ?? '';
      try {
        resolve({ response: JSON.parse(line) as InitializeResult['response'], code });
      } catch {
        reject(new Error(`no JSON answer on stdout (exit ${code}); stdout: ${out}; stderr: ${err}`));
      }
    });
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'claude-ai', version: '0.1.0' } } };
    child.stdin.end(JSON.stringify(initialize) + '\n');
  });
}
