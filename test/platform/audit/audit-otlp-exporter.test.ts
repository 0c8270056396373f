// Issue 14 item 5: the live OTLP/HTTP export of the audit trail, against a local OTLP
// receiver (a node http server on 127.0.0.1 taking /v1/logs JSON). Real AuditLog, real
// OpenTelemetry SDK and exporter; nothing faked.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { AuditOtlpExporter, otlpLogsUrl } from '../../../src/platform/audit/audit-otlp-exporter.js';
import { readAudit } from '../../../src/platform/audit/read-audit.js';
import { REDACTED } from '../../../src/platform/audit/redact-record.js';
import { OtlpReceiver, otlpAttribute } from '../../support/otlp-receiver.js';
import { findSecrets } from '../../support/secret-scan.js';
import { until } from '../../support/wait.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-otlp-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);

const PASSWORD = 'Pa55-vc1-hunter2';
const SESSION_TOKEN = 'kbt_4f1c0e2a9b7d6c5e';
const API_KEY = 'kbk_live_93jf02kd81nv';

describe('AuditOtlpExporter (issue 14 item 5)', () => {
  it('delivers every audit record to an OTLP/HTTP JSON receiver, redacted as written, with no secret in any request', async () => {
    const receiver = await OtlpReceiver.start();
    const home = freshHome();
    const audit = new AuditLog({ home, settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [PASSWORD, SESSION_TOKEN, API_KEY], deferWrites: true });
    const exporter = new AuditOtlpExporter({ settings: { url: receiver.url }, audit, exportIntervalMs: 10 });
    try {
      audit.append({ event: 'host.started', pid: process.pid });
      audit.append({ event: 'unlock.approved', endpoint: 'vc1', client: 'claude-ai', ttlSeconds: 14400 });
      audit.append({ event: 'token.granted', endpoint: 'vc1', server: 'vsphere', reason: `token ${SESSION_TOKEN}` });
      audit.append({ event: 'session.failed', endpoint: 'vc1', outcome: 'failed', reason: `login with ${PASSWORD} refused` });
      audit.append({ event: 'gateway.rejected', client: `curl ${API_KEY}`, code: 'bad_key' });
      audit.append({ event: 'tool.called', server: 'vsphere', tool: 'vm_power_off', argNames: ['vm', 'force'], objects: ['VM web-01 (vm-42)'] });
      await until('six records at the receiver', () => receiver.records.length >= 6);

      assert.ok(receiver.paths.every((p) => p === '/v1/logs'), receiver.paths.join());
      assert.ok(receiver.contentTypes.every((c) => c.startsWith('application/json')), receiver.contentTypes.join());
      assert.deepEqual(receiver.records.map((r) => otlpAttribute(r, 'event.name')), ['host.started', 'unlock.approved', 'token.granted', 'session.failed', 'gateway.rejected', 'tool.called']);
      const denied = receiver.records[3]!;
      assert.equal(denied.severityText, 'WARN');
      assert.equal(otlpAttribute(denied, 'keybroker.audit.reason'), REDACTED);
      assert.equal(otlpAttribute(receiver.records[1]!, 'keybroker.audit.client'), 'claude-ai');
      const call = receiver.records[5]!;
      assert.deepEqual(call.attributes?.find((a) => a.key === 'keybroker.audit.argNames')?.value.arrayValue?.values.map((v) => v.stringValue), ['vm', 'force']);
      assert.match(call.body?.stringValue ?? '', /tool\.called {2}server=vsphere tool=vm_power_off/);
      // The chain link is the file's, not the record's: it never leaves.
      assert.ok(!receiver.bodies.join('').includes('"prev"'), 'the chain link (prev) is never exported');

      // Security: no password, session token or API key in anything that reached the collector.
      assert.deepEqual(findSecrets([PASSWORD, SESSION_TOKEN, API_KEY], { texts: { 'OTLP requests': receiver.bodies.join('\n') }, dirs: [home] }), []);
      // The receiver has the records before the exporter has read the answer: wait for that, too.
      await until('the exporter to count six exported', () => exporter.stats().exported === 6);
    } finally {
      exporter.dispose();
      audit.dispose();
      await receiver.stop();
    }
  });

  it('never blocks or throws when the collector is down: a bounded queue, drops counted and audited once per interval', async () => {
    const gone = await OtlpReceiver.start();
    const url = gone.url;
    await gone.stop(); // Nothing listens there now: every request is refused.
    const home = freshHome();
    const audit = new AuditLog({ home, settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [] });
    let now = Date.parse('2026-12-06T08:00:00.000Z');
    const exporter = new AuditOtlpExporter({ settings: { url }, audit, maxQueue: 5, batchSize: 5, exportIntervalMs: 3_600_000, dropReportIntervalMs: 60_000, timeoutMs: 2000, now: () => now });
    try {
      for (let i = 1; i <= 20; i++) audit.append({ event: 'tool.called', pid: i });
      assert.deepEqual(exporter.stats(), { exported: 0, dropped: 15, queued: 5 }, 'the queue holds 5; the other 15 are dropped at once');
      await exporter.flush(); // The 5 queued go out and are refused; the drops are audited once.
      assert.equal(exporter.stats().dropped, 20);
      const reports = () => readAudit(home).records.filter((r) => r.event === 'export.dropped');
      assert.equal(reports().length, 1);
      assert.equal(reports()[0]!.count, 20);
      assert.equal(reports()[0]!.since, '2026-12-06T08:00:00.000Z');

      // Within the same interval: more drops, no second report.
      audit.append({ event: 'lock' });
      await exporter.flush();
      assert.equal(reports().length, 1);
      // The next interval reports the sum since the last report (the lock, and the first report itself).
      now += 60_000;
      await exporter.flush();
      assert.equal(reports().length, 2);
      assert.equal(reports()[1]!.count, 2);
      // The host's trail is whole: all 20 calls are in the file.
      assert.equal(readAudit(home).records.filter((r) => r.event === 'tool.called').length, 20);
    } finally {
      exporter.dispose();
      audit.dispose();
    }
  });

  it('sends a backlog batch after batch without the transport refusing the next one', async () => {
    const receiver = await OtlpReceiver.start();
    const audit = new AuditLog({ home: freshHome(), settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [] });
    const exporter = new AuditOtlpExporter({ settings: { url: receiver.url }, audit, batchSize: 2, exportIntervalMs: 3_600_000 });
    try {
      for (let i = 1; i <= 11; i++) audit.append({ event: 'tool.called', pid: i });
      await exporter.flush();
      assert.deepEqual(exporter.stats(), { exported: 11, dropped: 0, queued: 0 });
      assert.equal(receiver.records.length, 11);
      assert.equal(receiver.bodies.length, 6);
    } finally {
      exporter.dispose();
      audit.dispose();
      await receiver.stop();
    }
  });

  it('takes a collector that refuses (HTTP 400) as drops, and delivers again once it is back', async () => {
    const receiver = await OtlpReceiver.start();
    const audit = new AuditLog({ home: freshHome(), settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [] });
    const exporter = new AuditOtlpExporter({ settings: { url: `${receiver.url}/v1/logs` }, audit, exportIntervalMs: 3_600_000, timeoutMs: 2000 });
    try {
      receiver.failWith = 400; // Not retryable: the batch is dropped at once.
      audit.append({ event: 'tool.called', pid: 1 });
      await exporter.flush();
      assert.equal(exporter.stats().dropped, 1);
      receiver.failWith = undefined;
      audit.append({ event: 'tool.called', pid: 2 });
      await exporter.flush();
      assert.ok(receiver.records.some((r) => r.attributes?.some((a) => a.key === 'keybroker.audit.pid')), 'the record appended after the receiver recovered is exported');
      assert.ok(receiver.records.some((r) => otlpAttribute(r, 'event.name') === 'export.dropped'), 'the drop report itself is exported');
    } finally {
      exporter.dispose();
      audit.dispose();
      await receiver.stop();
    }
  });
});

describe('audit.otlp in the config contract', () => {
  const parse = (otlp: unknown) => Config.safeParse({ ...emptyConfig(), audit: { maxBytes: 1024 * 1024, keep: 5, otlp } });

  it('is off by default', () => {
    assert.equal(emptyConfig().audit.otlp, undefined);
  });

  it('takes https anywhere and plain http only to a loopback host (the endpoints rule)', () => {
    assert.ok(parse({ url: 'https://otel.corp.example:4318/v1/logs' }).success, 'an https URL is taken');
    assert.ok(parse({ url: 'http://127.0.0.1:4318' }).success, 'plain http to 127.0.0.1 is taken');
    assert.ok(parse({ url: 'http://localhost:4318/v1/logs' }).success, 'plain http to localhost is taken');
    assert.ok(parse({ url: 'http://[::1]:4318' }).success, 'plain http to [::1] is taken');
    const plain = parse({ url: 'http://otel.corp.example:4318/v1/logs' });
    assert.equal(plain.success, false);
    assert.match(plain.error!.issues[0]!.message, /must use https \(http is allowed only for localhost/);
    assert.equal(parse({ url: 'https://user:pw@otel.corp.example' }).success, false);
    assert.equal(parse({ url: 'ftp://otel.corp.example' }).success, false);
  });

  it('refuses credential headers (config.json holds no secret) and takes plain ones', () => {
    assert.ok(parse({ url: 'https://otel.example', headers: { 'x-scope-orgid': 'tenant-1' } }).success, 'a plain header is taken');
    for (const name of ['Authorization', 'x-api-key', 'x-auth-token', 'cookie', 'x-secret']) {
      assert.equal(parse({ url: 'https://otel.example', headers: { [name]: 'v' } }).success, false, name);
    }
  });

  it('sends to /v1/logs when the URL has no path, and to the URL as given otherwise', () => {
    assert.equal(otlpLogsUrl({ url: 'http://127.0.0.1:4318' }), 'http://127.0.0.1:4318/v1/logs');
    assert.equal(otlpLogsUrl({ url: 'https://otel.example/custom/logs' }), 'https://otel.example/custom/logs');
  });
});
