import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { P6Client } from '../../../../src/connectors/p6/client/p6-client.js';
import { checkP6CallQuery, resolveP6CallPath } from '../../../../src/connectors/p6/call/resolve-p6-call-path.js';
import { startP6Fake, type P6Fake } from '../../../fixtures/p6/start-p6-fake.js';

/** SSRF and traversal vectors; every one must be refused before any request leaves. */
const VECTORS = [
  'http://evil.example/p6ws/restapi/project',
  'https://127.0.0.1:1/p6ws/restapi/project',
  'HTTPS://evil.example',
  'javascript:alert(1)',
  'file:///etc/passwd',
  '//evil.example/p6ws/restapi/project',
  'project//evil.example',
  '/p6ws/restapi//evil.example/x',
  'user:pw@evil.example/project',
  '@evil.example',
  '../project',
  'project/../../p6/action/login',
  '/p6ws/restapi/../../p6/login',
  './project',
  'project/..',
  '%2e%2e/%2e%2e/p6/login',
  '%2E%2E%2Fp6',
  'project%2f..%2f..%2fp6',
  '%252e%252e/p6',
  'project%00',
  '..\\..\\p6',
  'project\\..\\x',
  'project\r\nHost: evil',
  'project\u0000',
  'project\t',
  'pro ject',
  'projec\u0442', // Cyrillic te
  '\uff0e\uff0e/p6', // fullwidth dots
  '/p6/action/login',
  '/p6ws/oauth/token',
  '/p6ws/restapix/project',
  '/',
  '',
  'project?Fields=Id',
  'project#x',
  'a/b/c/d/e',
  'p6ws/restapi/..;/p6',
];

describe('resolveP6CallPath()', () => {
  let fake: P6Fake;
  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }] });
  });
  after(() => fake.stop());

  it('accepts paths under the REST base, relative or absolute', () => {
    assert.deepEqual(resolveP6CallPath(fake.url, 'project').segments, ['project']);
    assert.deepEqual(resolveP6CallPath(fake.url, '/p6ws/restapi/activity').segments, ['activity']);
    assert.deepEqual(resolveP6CallPath(fake.url, 'calendar/totalWorkHours').segments, ['calendar', 'totalWorkHours']);
    assert.equal(resolveP6CallPath(fake.url, 'project').url.href, `${fake.url}/project`);
    assert.deepEqual(resolveP6CallPath('https://sin1.p6.oraclecloud.com/adani/p6ws/restapi', '/adani/p6ws/restapi/eps').segments, ['eps']);
  });

  it(`refuses ${VECTORS.length} SSRF and traversal vectors, and the fake receives nothing`, async () => {
    fake.resetCounts();
    let sessionAsked = 0;
    const dispatcher = new Agent();
    const client = new P6Client({ baseUrl: fake.url, dispatcher, session: { token: async () => (sessionAsked++, 'JSESSIONID=x'), renew: async () => 'JSESSIONID=y' } });
    try {
      for (const vector of VECTORS) {
        assert.throws(() => resolveP6CallPath(fake.url, vector), (e: Error & { code?: string }) => e.code === 'CONN_INVALID_REQUEST', JSON.stringify(vector));
        // The tool's path: resolve first, send only what resolved. Nothing may get through.
        await assert.rejects(async () => client.send('GET', resolveP6CallPath(fake.url, vector).segments), JSON.stringify(vector));
      }
    } finally {
      await dispatcher.close();
    }
    assert.ok(VECTORS.length >= 15, 'the table holds at least 15 attack vectors');
    assert.deepEqual(fake.counts(), {});
    assert.equal(sessionAsked, 0);
  });

  it('never echoes a control character or the whole path in its message', () => {
    assert.throws(() => resolveP6CallPath(fake.url, 'x\r\nSet-Cookie: a'), (e: Error) => !/[\r\n]/.test(e.message));
  });

  it('checks query names and values', () => {
    assert.deepEqual(checkP6CallQuery({ Fields: 'Id,Name', Filter: "Name:like:'a%'" }), { Fields: 'Id,Name', Filter: "Name:like:'a%'" });
    assert.throws(() => checkP6CallQuery({ 'a b': 'x' }), 'a query name with a space is refused');
    assert.throws(() => checkP6CallQuery({ Fields: 'Id\r\nX: y' }), 'a query value with CR LF is refused');
  });
});
