// An SDK Client connected to the P6 createServer over InMemoryTransport (STYLE.md §12),
// with a token source that logs in to the P6 fake the way the broker would.
import { Agent } from 'undici';
import { p6Login } from '../../../src/connectors/p6/session/index.js';
import type { TokenGrant } from '../../../src/base/contracts/token-protocol.js';
import { Emitter } from '../../../src/base/events/emitter.js';
import { createServer } from '../../../src/mcp/p6/server.js';
import type { TokenSource } from '../../../src/mcp/runtime/token-source.js';
import type { P6Fake } from '../../fixtures/p6/start-p6-fake.js';
import { connectInMemory, type InMemoryMcpClient } from '../../support/in-memory-mcp-client.js';

/** A connected P6 server and what the test needs to watch it. */
export interface ConnectedP6Server extends InMemoryMcpClient {
  /** Logins the token source made (the broker's count in production). */
  logins(): number;
}

/** A token source for endpoint `pm` on the TLS fake, logging in with `password`. */
export function fakeTokens(fake: P6Fake, password: string, counter: { logins: number }): TokenSource & { dispose(): Promise<void> } {
  const dispatcher = new Agent({ connect: { ca: fake.caPem } });
  let current: TokenGrant | undefined;
  const login = async (): Promise<TokenGrant> => {
    counter.logins++;
    const s = await p6Login({ baseUrl: fake.url, database: 'PMDB', username: 'planner', password, variant: 'headers', dispatcher });
    current = { ch: 'broker', t: 'token.grant', id: `g${counter.logins}`, endpoint: 'pm', token: s.cookieHeader, expiresAt: Date.now() + 3_600_000, upstream: { url: fake.url, ca: fake.caPem, database: 'PMDB', username: 'planner' } };
    return current;
  };
  const revoke = new Emitter<string>();
  return {
    get: async () => current ?? login(),
    renew: async (_e, stale) => (current && current.token !== stale ? current : login()),
    onDidRevoke: revoke.event,
    listEndpoints: async () => [{ name: 'pm', host: new URL(fake.url).host, readOnly: false, state: current ? 'unlocked' as const : 'locked' as const }],
    dispose: () => dispatcher.close(),
  };
}

export async function connectP6Server(fake: P6Fake, password: string, opts: { batchSize?: number } = {}): Promise<ConnectedP6Server> {
  const counter = { logins: 0 };
  const tokens = fakeTokens(fake, password, counter);
  const connected = await connectInMemory(createServer({ tokens, defaultEndpoint: 'pm', batchSize: opts.batchSize }));
  return {
    ...connected,
    logins: () => counter.logins,
    async close() {
      await connected.close();
      await tokens.dispose();
    },
  };
}
