// Issue 10 item 4: a web page can send the HTTP front door a million refused requests; they
// must never push real history out of the audit. Real parts: Secret Service, the real CLI,
// the host with its AuditLog and front door, a real token child, the P6 fake as upstream.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../support/free-port.js';
import { runKeybroker } from '../support/keybroker-cli.js';
import { startTokenChild } from '../support/token-child.js';
import type { AuditRecord } from '../../src/base/contracts/audit-event.js';
import { readAudit } from '../../src/platform/audit/read-audit.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import type { Host } from '../../src/platform/host/host.js';
import { serverSpecs } from '../../src/platform/host/server-specs.js';
import type { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { startP6HomeWorld, type P6HomeWorld } from '../support/p6-home-world.js';

const PASSWORD = 'flood-test-Secret';
/** The smallest rotation the config allows: two 64 KiB files in the window. */
const AUDIT = { maxBytes: 64 * 1024, keep: 1 };
/**
 * The flood's size, counted in requests and not in seconds (a loaded machine answers fewer a
 * second): without coalescing each refusal is one line of at least 100 bytes, so this many
 * would rotate the whole window (two files) out more than ten times over.
 */
const FLOOD_REQUESTS = Math.ceil((11 * 2 * AUDIT.maxBytes) / 100);
const WORKERS = 8;
const DIST = path.resolve(import.meta.dirname, '../../dist');

/** POST `count` bad-Origin requests to 127.0.0.1:`port` over keep-alive sockets; returns how many were answered, by status. */
async function flood(port: number, count: number): Promise<{ sent: number; statuses: Map<number, number> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const statuses = new Map<number, number>();
  let sent = 0;
  let started = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/mcp/p6', agent, headers: { host: `127.0.0.1:${port}`, origin: 'https://evil.example', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => {
          sent++;
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', reject);
      req.end('{}');
    });
  try {
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      while (started < count) {
        started++;
        await one();
      }
    }));
  } finally {
    agent.destroy();
  }
  return { sent, statuses };
}

describe('HTTP front door flood and the audit (issue 10 item 4)', () => {
  let world: P6HomeWorld | undefined;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let host: Host | undefined;
  let pending: PendingApprovals;
  let port: number;
  let apiKey: string;

  before(async () => {
    world = await startP6HomeWorld({
      password: PASSWORD,
      prefix: 'kb-flood-',
      prepare: async (_home, cliEnv) => {
        port = await freePort();
        const enable = await runKeybroker(['http', 'enable', '--port', String(port)], { env: cliEnv });
        assert.equal(enable.code, 0, enable.stderr);
        apiKey = enable.stdout.split('\n').find((l) => l.startsWith('kb_')) ?? '';
      },
      // A small rotation, so that the flood would rotate it many times over without the fix.
      audit: AUDIT,
      // The built p6 server, so HTTP sessions reach a real child through the gateway.
      servers: (h) => {
        const servers = serverSpecs(new ConfigStore(h).load(), DIST).filter((x) => x.name === 'p6');
        assert.equal(servers.length, 1, 'dist/mcp/p6 is built by scripts/test.mjs');
        return servers;
      },
    });
    ({ home, env, host, pending } = world);
  });

  after(async () => {
    await world?.stop();
  });

  it('ends the sessions of the old key when `keybroker http rotate-key` reaches the running host (issue 10 item 5)', async () => {
    const headers = (key: string, extra: Record<string, string> = {}) => ({ host: `127.0.0.1:${port}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-api-key': key, ...extra });
    const post = (key: string, body: string, extra: Record<string, string> = {}) =>
      new Promise<{ status: number; sessionId?: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/mcp/p6', headers: headers(key, extra), agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, sessionId: res.headers['mcp-session-id'] as string | undefined }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'rotation-test', version: '1' } } });
    const opened = await post(apiKey, init);
    assert.equal(opened.status, 200);
    const rotate = await runKeybroker(['http', 'rotate-key'], { env });
    assert.equal(rotate.code, 0, rotate.stderr);
    const newKey = rotate.stdout.split('\n').find((l) => l.startsWith('kb_')) ?? '';
    assert.match(newKey, /^kb_/);
    const records: AuditRecord[] = [];
    const sub = host!.audit.onDidAppend((r) => records.push(r));
    try {
      const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      const res = await post(newKey, list, { 'mcp-session-id': opened.sessionId!, 'mcp-protocol-version': '2025-06-18' });
      assert.equal(res.status, 404);
      // Gone, not merely refused to the new key: the session was closed at the rotation.
      assert.deepEqual(records.filter((r) => r.event === 'gateway.rejected').map((r) => r.code), ['unknown_session']);
    } finally {
      sub.dispose();
    }
    apiKey = newKey;
  });

  it('keeps every earlier unlock.approved record through a flood of unauthenticated requests, and counts every refusal', async (t) => {
    const h = host!;
    const approved: AuditRecord[] = [];
    h.audit.onDidAppend((r) => {
      if (r.event === 'unlock.approved') approved.push(r);
    });
    // Answer each unlock prompt as it appears (event-based, no polling of the CLI).
    pending.onDidChange(() => {
      for (const a of pending.list()) pending.decide(a.id, 'allow-ttl');
    });
    const child = await startTokenChild(h, 'p6');
    try {
      for (let round = 0; round < 3; round++) {
        const grant = await child.token('pm');
        assert.ok(grant.ok, JSON.stringify(grant));
        await h.lock(undefined);
      }
    } finally {
      await child.stop();
    }
    assert.equal(approved.length, 3);

    const { sent, statuses } = await flood(port, FLOOD_REQUESTS);
    assert.equal(sent, FLOOD_REQUESTS, 'every request of the flood was answered');
    t.diagnostic(`flood: ${sent} requests (${JSON.stringify(Object.fromEntries(statuses))})`);

    h.audit.flush();
    const { records } = readAudit(home, { fromRotated: true });
    for (const r of approved) assert.ok(records.some((x) => x.event === r.event && x.ts === r.ts && x.credential === r.credential), `unlock.approved at ${r.ts} is gone`);
    assert.equal(fs.existsSync(path.join(home, 'audit.log.1')), false, 'the flood rotated nothing');
    // Past the unauthenticated budget the door answered a bare 429.
    assert.deepEqual([...statuses.keys()].sort(), [403, 429]);

    // Stopping writes the counts still pending: every refused request is accounted for.
    await h.stop();
    host = undefined;
    const after = readAudit(home, { fromRotated: true }).records;
    const refused = after.filter((x) => x.event === 'gateway.rejected' && (x.code === 'bad_origin' || x.code === 'unauth_limited'));
    assert.equal(refused.reduce((n, x) => n + (x.count ?? 1), 0), sent);
    assert.ok(refused.length <= 8, `${refused.length} records for the flood`);
  });
});
