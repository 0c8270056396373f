// `node dist/mcp/p6/index.cjs --stdio`: the development mode, credentials from env.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startP6Fake, type P6Fake } from '../../fixtures/p6/start-p6-fake.js';

const ENTRY = path.resolve(import.meta.dirname, '../../../dist/mcp/p6/index.cjs');

describe('p6 server --stdio (development mode)', () => {
  let fake: P6Fake;
  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'dev', password: 'dev-Secret' }], tls: true, dataset: { projects: 3, bigProjectActivities: 50 } });
  });
  after(() => fake.stop());

  const connect = async (password: string) => {
    const env = { PATH: process.env['PATH'] ?? '', P6_URL: fake.url, P6_USER: 'dev', P6_PASSWORD: password, P6_DATABASE: 'PMDB', P6_FINGERPRINT: fake.fingerprintSha256! };
    const client = new Client({ name: 'dev', version: '1' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [ENTRY, '--stdio'], env, stderr: 'pipe' }));
    return client;
  };

  it('logs in with the env credentials over a pinned certificate and serves the tools', async () => {
    const client = await connect('dev-Secret');
    try {
      const r = (await client.callTool({ name: 'p6_list_projects', arguments: {} })) as CallToolResult;
      assert.equal((r.structuredContent as { total: number }).total, 3);
      const info = (await client.callTool({ name: 'p6_session_info', arguments: {} })) as CallToolResult;
      assert.equal((info.structuredContent as { user: string }).user, 'dev');
      assert.ok(!JSON.stringify(info).includes('JSESSIONID'), 'the session info never shows the session cookie');
    } finally {
      await client.close();
    }
  });

  it('tries a refused password once and then never again', async () => {
    const before = fake.loginAttempts('dev');
    const client = await connect('wrong-Secret');
    try {
      for (let i = 0; i < 3; i++) {
        const r = (await client.callTool({ name: 'p6_list_wbs', arguments: { projectObjectId: 1001 } })) as CallToolResult;
        assert.equal(r.isError, true);
        assert.match((r.content[0] as { text: string }).text, /CONN_LOGIN_FAILED/);
      }
      assert.equal(fake.loginAttempts('dev') - before, 1);
      assert.equal(fake.isLocked('dev'), false);
    } finally {
      await client.close();
    }
  });
});
