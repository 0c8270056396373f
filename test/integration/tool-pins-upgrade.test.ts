// What a user who pinned the vSphere tools before W4-paging sees after the upgrade (issue 14's
// pins, D62): the real gateway in front of the real built vSphere child, with a tool-pins.json
// holding the two list tools as they were before they paged. Nothing is accepted silently
// because the server is built in: a call to either waits on ONE approval naming both, whose
// diff says what changed (the new arguments and fields); the other tools are not held;
// approving pins the new set, so the next start asks nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { emptyConfig } from '../../src/base/contracts/config.js';
import type { AuditInput } from '../../src/platform/ports/audit-sink.js';
import { systemClock } from '../../src/platform/ports/clock.js';
import { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { Gateway } from '../../src/platform/gateway/gateway.js';
import { pinOf, ToolPins } from '../../src/platform/gateway/tool-pins.js';
import { serverSpecs } from '../../src/platform/host/server-specs.js';
import { buildChildEnv } from '../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../src/platform/supervisor/node-launcher.js';
import { until } from '../support/wait.js';
import { gatewayConfig } from '../platform/gateway/gateway-harness.js';

const DIST = path.resolve(import.meta.dirname, '../../dist');
const BEFORE = path.resolve(import.meta.dirname, '../fixtures/tool-pins/vsphere-list-tools-before-paging.json');
const PAGED = ['vsphere_list_library_items', 'vsphere_list_tags'];

describe('upgrading past W4-paging with pinned vSphere tools', () => {
  it('asks once, for both paged tools, with a diff that names their new arguments; approving pins the new set', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-pins-upgrade-'));
    const pinsFile = path.join(dir, 'tool-pins.json');
    const spec = serverSpecs(emptyConfig(), DIST).find((s) => s.name === 'vsphere');
    assert.ok(spec, 'dist/ holds the vSphere server (node scripts/build.mjs)');
    const audit: AuditInput[] = [];
    const pending = new PendingApprovals();
    const config = gatewayConfig();
    const handles: ChildProcessHandle[] = [];
    const gateways: Gateway[] = [];
    /** A gateway over `pinsFile` and a fresh vSphere child, and an SDK client of it. */
    const start = async () => {
      const gateway = new Gateway({ config: () => config, approver: pending, newApprovalId: () => pending.newId(), audit: { append: (r) => void audit.push(r) }, clock: systemClock, pins: new ToolPins(pinsFile) });
      gateways.push(gateway);
      gateway.addServer(spec);
      const handle = new ChildProcessHandle(new NodeLauncher(), { ...spec, env: buildChildEnv(process.env) }, () => undefined);
      handles.push(handle);
      const sink = gateway.attachChild(spec, handle);
      handle.onDidMessage((m) => { if ((m as { ch?: string }).ch === 'mcp') sink(m); });
      handle.start();
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await gateway.openSession({ server: 'vsphere', clientLabel: 'test-client', via: 'cli', transport: serverSide });
      const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: {} });
      await client.connect(clientSide);
      return { client, tools: (await client.listTools()).tools };
    };
    try {
      // The set as it is now, with the two tools as the user pinned them before the upgrade.
      const old = JSON.parse(fs.readFileSync(BEFORE, 'utf8')) as Tool[];
      const first = await start();
      assert.deepEqual(old.map((t) => t.name).sort(), PAGED);
      const pinnedBefore = pinOf(first.tools.map((t) => old.find((o) => o.name === t.name) ?? t), Date.now());
      fs.writeFileSync(pinsFile, JSON.stringify({ version: 1, servers: { vsphere: pinnedBefore } }), { mode: 0o600 });
      for (const h of handles) await h.stop({ graceMs: 1000 });
      for (const g of gateways) g.dispose();

      const upgraded = await start();
      assert.ok(audit.some((a) => a.event === 'definition.changed' && a.tools?.join() === PAGED.join()), JSON.stringify(audit));
      const abort = new AbortController();
      const held = upgraded.client.callTool({ name: 'vsphere_list_tags', arguments: {} }, undefined, { signal: abort.signal }).catch((e: unknown) => e);
      await until('a definition approval', () => pending.list().length > 0);
      const a = pending.list()[0]!;
      assert.ok(a.subject.kind === 'definition', 'the upgrade asks for a definition approval');
      assert.deepEqual(a.subject.tools, PAGED, 'one approval for both changed tools, none other');
      const diff = a.subject.diff;
      for (const line of [
        '~ tool vsphere_list_tags: inputSchema changed',
        '    + cursor: Opaque nextCursor from the previous page of the same query; leave out for the first page',
        '    + limit: Most items to return in this page (1-500, default 50)',
        '    + nextCursor: Pass as cursor to get the next page; absent on the last page',
        '~ tool vsphere_list_library_items: inputSchema changed',
      ]) assert.ok(diff.split('\n').includes(line), `${line}\n--- in ---\n${diff}`);
      assert.match(diff, /^ {4}now: ….*Page with limit and cursor\. Needs vCenter/m);
      // Each was/now pair differs where the texts do (no two identical cut lines).
      const lines = diff.split('\n');
      lines.forEach((l, i) => { if (/^\s+was: /.test(l)) assert.notEqual(l.replace('was:', ''), lines[i + 1]!.replace('now:', ''), l); });
      // A second paged tool waits on the same approval.
      assert.equal(pending.list().length, 1);
      pending.decide(a.id, 'allow-once');
      await until('the new set pinned', () => (JSON.parse(fs.readFileSync(pinsFile, 'utf8')) as { servers: { vsphere: { hash: string } } }).servers.vsphere.hash !== pinnedBefore.hash);
      abort.abort();
      await held;
      for (const h of handles) await h.stop({ graceMs: 1000 });
      for (const g of gateways) g.dispose();

      // The next start of the same build asks nothing (its tools/list waits for the child, whose set is compared then).
      audit.length = 0;
      await start();
      assert.ok(!audit.some((x) => x.event === 'definition.changed'), JSON.stringify(audit));
    } finally {
      for (const h of handles) await h.stop({ graceMs: 1000 });
      for (const g of gateways) g.dispose();
      pending.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
