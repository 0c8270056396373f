// `keybroker audit verify` and `keybroker audit export` (issue 14 items 4-5), in-process
// against a home written by the real AuditLog; and the existing readers hiding the chain.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/platform/audit/audit-log.js';
import { runIn } from './harness.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cli-audit-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A home whose audit trail has `count` records, rotated at `maxBytes`. */
function homeWithTrail(count: number, maxBytes = 400, keep = 100): string {
  const home = path.join(root, `home-${n++}`);
  const log = new AuditLog({ home, settings: { maxBytes, keep }, secrets: () => [] });
  for (let i = 1; i <= count; i++) log.append({ event: i % 2 ? 'tool.called' : 'token.granted', pid: i, endpoint: 'vc1' });
  log.dispose();
  return home;
}

const retainedFiles = (home: string) => fs.readdirSync(home).filter((f) => f.startsWith('audit.log')).sort((a, b) => (b.length - a.length) || b.localeCompare(a));

describe('keybroker audit verify', () => {
  it('prints a one-line summary and exits 0 for an intact, rotated trail', async () => {
    const home = homeWithTrail(25);
    const run = await runIn(home, ['audit', 'verify']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.split('\n').filter(Boolean).length, 1);
    assert.match(run.stdout, /^audit chain ok: 25 record\(s\) in \d+ file\(s\), \S+ to \S+; chain starts at genesis/);
  });

  it('names the file and line of a retained line with one byte edited, exit 1', async () => {
    const home = homeWithTrail(25);
    const file = path.join(home, 'audit.log.2');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[0] = lines[0]!.replace('"endpoint":"vc1"', '"endpoint":"vc2"'); // One byte.
    fs.writeFileSync(file, lines.join('\n'));
    const run = await runIn(home, ['audit', 'verify']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr.split('\n').filter(Boolean).length, 1);
    assert.ok(run.stderr.includes(`${file} line 2: its prev does not match the hash of line 1`), run.stderr);
  });

  it('is a usage error with extra arguments', async () => {
    const run = await runIn(homeWithTrail(1), ['audit', 'verify', 'now']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unexpected argument "now"; usage: keybroker audit verify/);
  });
});

describe('keybroker audit (print)', () => {
  it('refuses a filter given twice, exit 2, printing nothing (D143)', async () => {
    const run = await runIn(homeWithTrail(3), ['audit', '--event', 'tool', '--event', 'token']);
    assert.deepEqual({ code: run.code, stdout: run.stdout }, { code: 2, stdout: '' });
    assert.match(run.stderr, /^keybroker audit: --event is given more than once; give it once; usage: keybroker audit /);
  });
});

describe('keybroker audit export', () => {
  it('--format jsonl writes every retained line as stored, oldest first, chain links included', async () => {
    const home = homeWithTrail(25);
    const stored = retainedFiles(home).map((f) => fs.readFileSync(path.join(home, f), 'utf8')).join('');
    const run = await runIn(home, ['audit', 'export', '--format', 'jsonl']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, stored);
    assert.deepEqual(run.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { pid: number }).pid), Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('--format otlp writes one OTLP/JSON logs export request with every record', async () => {
    const home = homeWithTrail(7);
    const out = path.join(home, 'export.json');
    const run = await runIn(home, ['audit', 'export', '--format', 'otlp', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /wrote 7 record\(s\) to /);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    const body = JSON.parse(fs.readFileSync(out, 'utf8')) as { resourceLogs: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeLogs: Array<{ scope: { name: string }; logRecords: Array<{ attributes: Array<{ key: string; value: { stringValue?: string } }> }> }> }> };
    const [rl] = body.resourceLogs;
    assert.equal(rl!.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue, 'keybroker');
    assert.equal(rl!.scopeLogs[0]!.scope.name, 'keybroker.audit');
    const events = rl!.scopeLogs[0]!.logRecords.map((r) => r.attributes.find((a) => a.key === 'event.name')?.value.stringValue);
    assert.deepEqual(events, ['tool.called', 'token.granted', 'tool.called', 'token.granted', 'tool.called', 'token.granted', 'tool.called']);
  });

  it('needs --format jsonl or otlp', async () => {
    const home = homeWithTrail(1);
    for (const argv of [['audit', 'export'], ['audit', 'export', '--format', 'csv']]) {
      const run = await runIn(home, argv);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--format must be jsonl or otlp.*; usage: keybroker audit export --format jsonl\|otlp \[--out FILE\]/);
    }
  });
});

describe('keybroker audit (the readers) with a chained trail', () => {
  it('shows no chain field in text or --json output', async () => {
    const home = homeWithTrail(3, 1024 * 1024);
    const text = await runIn(home, ['audit']);
    assert.equal(text.code, 0);
    assert.equal(text.stdout.split('\n').filter(Boolean).length, 3);
    assert.ok(!text.stdout.includes('prev'), text.stdout);
    const json = await runIn(home, ['audit', '--json']);
    assert.ok(json.stdout.split('\n').filter(Boolean).every((l) => !('prev' in (JSON.parse(l) as object))), 'no --json audit line carries the prev hash field');
    assert.equal(json.stderr, '', 'no line counted as malformed');
  });
});
