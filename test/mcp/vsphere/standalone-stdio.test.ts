// Development mode: `node dist/mcp/vsphere/index.cjs --stdio` with VSPHERE_* from env logs
// in itself and serves MCP on stdio (the direct-path benchmark uses it).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startVcsim, type Vcsim } from '../../support/vcsim.js';

const ENTRY = path.resolve(import.meta.dirname, '../../../dist/mcp/vsphere/index.cjs');

describe('vsphere server --stdio (development mode)', () => {
  let vcsim: Vcsim;
  before(async () => {
    vcsim = await startVcsim({ username: 'dev', password: 'dev-pass' });
  });
  after(async () => {
    await vcsim?.stop();
  });

  it('logs in with VSPHERE_* and lists the VMs; any endpoint name maps to that vCenter', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [ENTRY, '--stdio'],
      env: { PATH: process.env['PATH'] ?? '', VSPHERE_URL: vcsim.url, VSPHERE_USER: 'dev', VSPHERE_PASSWORD: 'dev-pass', VSPHERE_FINGERPRINT: vcsim.fingerprintSha256 },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'dev', version: '1.0.0' });
    await client.connect(transport);
    try {
      const r = await client.callTool({ name: 'vsphere_list_vms', arguments: {} });
      assert.notEqual(r.isError, true, JSON.stringify(r.content));
      assert.equal((r.structuredContent as { total: number }).total, 4);
      const named = await client.callTool({ name: 'vsphere_list_hosts', arguments: { endpoint: 'anything' } });
      assert.equal((named.structuredContent as { total: number }).total, 4);
    } finally {
      await client.close();
    }
  });

  it('exits with a one-line reason when the environment lacks credentials', () => {
    const r = spawnSync(process.execPath, [ENTRY, '--stdio'], { env: { PATH: process.env['PATH'] ?? '' }, input: '', encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, 'a usage error, like starting outside KeyBroker');
    assert.equal(r.stderr, 'vsphere: --stdio needs VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD in the environment (and VSPHERE_FINGERPRINT for a self-signed certificate)\n');
    assert.equal(r.stdout, '', 'stdout carries protocol only');
  });

  it('refuses to start outside KeyBroker without --stdio', () => {
    const r = spawnSync(process.execPath, [ENTRY], { env: { PATH: process.env['PATH'] ?? '' }, input: '', encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--stdio/);
  });
});
