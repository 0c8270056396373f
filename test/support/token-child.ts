import path from 'node:path';
import type { EndpointKind } from '../../src/base/contracts/names.js';
import type { Host } from '../../src/platform/host/host.js';
import { buildChildEnv } from '../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../src/platform/supervisor/node-launcher.js';
import { waitFor } from './keybroker-cli.js';

const CHILD = path.resolve(import.meta.dirname, '../fixtures/token-child.ts');

/** What the child reports about one token request. */
export type TokenReport =
  | { tag: string; ok: true; token: string; restToken?: string; expiresAt: number; upstream: { url: string; fingerprintSha256?: string } }
  | { tag: string; ok: false; code: string; message: string };

/** A real forked child, connected to `host` like an MCP server child, that asks for tokens on command. */
export async function startTokenChild(host: Host, kind: EndpointKind, name: string = kind) {
  const handle = new ChildProcessHandle(new NodeLauncher(), {
    name, modulePath: CHILD, env: buildChildEnv(process.env), execArgv: ['--import', 'tsx'],
  });
  const reports: Record<string, unknown>[] = [];
  host.attachChild(handle, kind, (m) => reports.push((m as { msg: Record<string, unknown> }).msg));
  handle.start();
  await waitFor(`${name} child ready`, () => (reports.some((r) => r['ready']) ? true : undefined), 20_000);
  let n = 0;
  return {
    handle,
    reports,
    /** Ask for a token (or renew one); resolves with the child's report. */
    async token(endpoint: string, stale?: string, timeoutMs = 20_000): Promise<TokenReport> {
      const tag = `q${++n}`;
      handle.send({ ch: 'mcp', msg: { cmd: stale ? 'renew' : 'get', endpoint, stale, tag } });
      return waitFor(`token report ${tag}`, () => reports.find((r) => r['tag'] === tag) as TokenReport | undefined, timeoutMs);
    },
    /** Ask for a token without waiting for the answer; returns the tag to {@link cancel} or {@link answer} it. */
    ask(endpoint: string): string {
      const tag = `q${++n}`;
      handle.send({ ch: 'mcp', msg: { cmd: 'get', endpoint, tag } });
      return tag;
    },
    /** Abort the signal of the request asked with `tag` (its tool call was cancelled). */
    cancel(tag: string): void {
      handle.send({ ch: 'mcp', msg: { cmd: 'cancel', tag } });
    },
    /** The child's report on the request asked with `tag`. */
    answer(tag: string, timeoutMs = 20_000): Promise<TokenReport> {
      return waitFor(`token report ${tag}`, () => reports.find((r) => r['tag'] === tag) as TokenReport | undefined, timeoutMs);
    },
    /** Whether the child has reported on `tag` yet. */
    answered(tag: string): boolean {
      return reports.some((r) => r['tag'] === tag);
    },
    /** Send `frame` to the host on the child's channel as it is (a hostile or buggy child). */
    raw(frame: unknown): void {
      handle.send({ ch: 'mcp', msg: { cmd: 'raw', frame } });
    },
    /** A round trip to the host: every frame the child sent before has been handled when this resolves. */
    async ping(): Promise<void> {
      const tag = `q${++n}`;
      handle.send({ ch: 'mcp', msg: { cmd: 'list', tag } });
      await waitFor(`endpoint list ${tag}`, () => (reports.some((r) => r['tag'] === tag) ? true : undefined), 20_000);
    },
    /** When the child saw `token.revoke` for `endpoint`, if it did. */
    revokedAt(endpoint: string): number | undefined {
      return reports.find((r) => r['revoked'] === endpoint)?.['at'] as number | undefined;
    },
    stop: () => handle.stop({ graceMs: 2000 }),
  };
}
