// The toolkit's standalone (--stdio) login: missing variables are one coded error (no exit in
// a factory); one login at a time; a refused login is never retried when the kind says so
// (P6 lockout); another endpoint name is refused when the kind says so; logout on dispose.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError } from '../../../../src/connectors/connector-error.js';
import { McpToolError, requireEnv, StandaloneEnvError, StandaloneTokens, type StandaloneTokensOptions } from '../../../../src/mcp/runtime/toolkit/index.js';

function source(options: Partial<StandaloneTokensOptions> & { results: (() => Promise<string>)[] }) {
  const log: string[] = [];
  let n = 0;
  const tokens = new StandaloneTokens({
    endpoint: 'dev',
    upstream: { url: 'https://upstream.example/api' },
    login: async () => {
      log.push('login');
      return { token: await options.results[n++]!() };
    },
    logout: async (t) => void log.push(`logout ${t}`),
    close: async () => void log.push('close'),
    ...options,
  });
  return { tokens, log };
}

describe('standalone tokens', () => {
  it('requireEnv names every missing variable in one coded error', () => {
    assert.deepEqual(requireEnv({ A: 'a', B: 'b' }, ['A', 'B']), { A: 'a', B: 'b' });
    assert.throws(() => requireEnv({ B: 'b' }, ['A', 'B', 'C'], ' (and D for more)'), (e: unknown) =>
      e instanceof StandaloneEnvError && e.code === 'MCP_STANDALONE_ENV' && e.message === '--stdio needs A, C in the environment (and D for more)');
  });

  it('shares one login between concurrent calls, and renews only a stale token', async () => {
    const { tokens, log } = source({ results: [async () => 't1', async () => 't2'] });
    const [a, b] = await Promise.all([tokens.get('x'), tokens.get('y')]);
    assert.equal(a.token, 't1');
    assert.equal(b, a);
    assert.equal((await tokens.renew('x', 'old')).token, 't1', 'someone already renewed');
    assert.equal((await tokens.renew('x', 't1')).token, 't2');
    await tokens.dispose();
    assert.deepEqual(log, ['login', 'login', 'logout t2', 'close']);
  });

  it('never logs in again after a refused login when rememberRefusal is set (Security: lockout)', async () => {
    const refused = () => Promise.reject(new ConnectorError('CONN_LOGIN_FAILED', 'refused'));
    const p6 = source({ rememberRefusal: true, results: [refused, async () => 'never'] });
    await assert.rejects(p6.tokens.get('dev'), /refused/);
    await assert.rejects(p6.tokens.get('dev'), /refused/);
    assert.deepEqual(p6.log, ['login']);
    const vs = source({ results: [refused, async () => 't2'] });
    await assert.rejects(vs.tokens.get('dev'), /refused/);
    assert.equal((await vs.tokens.get('dev')).token, 't2', 'without it a failed login is not cached');
  });

  it('refuses another endpoint name when the kind says so; sessions expire after sessionMs', async () => {
    let now = 1000;
    const { tokens } = source({ otherEndpoint: () => new McpToolError('X_NO_ENDPOINT', 'only "dev"'), sessionMs: 50, now: () => now, results: [async () => 't1', async () => 't2'] });
    await assert.rejects(tokens.get('prod'), (e: McpToolError) => e.code === 'X_NO_ENDPOINT');
    assert.equal((await tokens.get('dev')).expiresAt, 1050);
    now = 1049;
    assert.equal((await tokens.get('dev')).token, 't1');
    now = 1050;
    assert.equal((await tokens.get('dev')).token, 't2');
    assert.deepEqual(await tokens.listEndpoints(), [{ name: 'dev', host: 'upstream.example', readOnly: false, state: 'unlocked' }]);
  });
});
