// The assert-message check (scripts/check-assert-messages.mjs): a message-less assert(...),
// assert.ok(...), or assert.throws/rejects without a validator in a test fails `npm test` with
// one line naming file:line and what to do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { check, findMessageless } from '../../scripts/check-assert-messages.mjs';
import { ROOT } from '../renderer/renderer-harness.js';

const SCRIPT = path.join(ROOT, 'scripts/check-assert-messages.mjs');
const IMPORT = "import assert from 'node:assert/strict';\n";
const found = (body: string, header = IMPORT) => findMessageless(header + body, 'x.test.ts').map((f) => `${f.line}:${f.form}`);

describe('the assert-message check', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-assert-check-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds assert(x) and assert.ok(x), and takes them with a message', () => {
    assert.deepEqual(found('assert(x);\nassert.ok(y);\nassert(x, "m");\nassert.ok(y, `m ${z}`);\n'), ['2:assert', '3:ok'], 'the two without a message, on lines 2 and 3');
  });

  it('reads calls, not text: a comma inside the condition, a call over several lines, a trailing comma', () => {
    assert.deepEqual(found('assert.ok(f(a, b));\nassert.ok([1, 2].includes(x));\nassert.ok(\n  long &&\n  other,\n);\n'), ['2:ok', '3:ok', '4:ok'], 'each of the three is message-less');
    assert.deepEqual(found('assert.ok(f(a, b), "m");\nassert.ok(\n  x,\n  "m",\n);\n'), [], 'both carry a message');
  });

  it('follows the import: named, renamed and namespace imports count; another assert does not', () => {
    assert.deepEqual(found('ok(x);\nstrictOk(y);\n', "import { ok, ok as strictOk } from 'node:assert';\n"), ['2:ok', '3:ok'], 'a named ok and a renamed one');
    assert.deepEqual(found('a.ok(x);\n', "import * as a from 'assert/strict';\n"), ['2:ok'], 'a namespace import');
    assert.deepEqual(found('s(x);\n', "import { strict as s } from 'node:assert';\n"), ['2:assert'], 'strict imported under another name');
    assert.deepEqual(found('fc.assert(p);\nassert(x);\n', "import fc from 'fast-check';\n"), [], 'fast-check\'s assert and an assert not from node:assert are not ours');
  });

  it('takes a spread, whose length it cannot know, and an assertion with no argument at all', () => {
    assert.deepEqual(found('assert.ok(...args);\nassert.ok();\n'), [], 'neither is reported');
  });

  it('lists the other message-less forms for counting (--list)', () => {
    const all = findMessageless(`${IMPORT}assert.equal(a, b);\nassert.equal(a, b, 'm');\nassert.match(s, /x/);\nassert.rejects(p);\n`, 'x.test.ts');
    assert.deepEqual(all.map((f) => f.form), ['equal', 'match', 'rejects'], 'the three without a message are listed');
  });

  it('fails with one line per assertion naming file:line:column and what to do, and passes a clean tree', () => {
    const bad = path.join(tmp, 'bad');
    fs.mkdirSync(path.join(bad, 'test', 'fixtures', 'lint'), { recursive: true });
    // assert.rejects and assert.throws without a validator take any error: refused too; with a
    // validator or a message, taken. assert.equal shows both values: taken.
    fs.writeFileSync(path.join(bad, 'test', 'a.test.ts'), `${IMPORT}\nassert.ok(ready);\nawait assert.rejects(p);\nawait assert.rejects(p, /refused/);\nassert.throws(f, 'the bad name is refused');\nassert.equal(a, b);\n`);
    // Lint fixtures are inputs, not tests: never read.
    fs.writeFileSync(path.join(bad, 'test', 'fixtures', 'lint', 'f.ts'), `${IMPORT}assert.ok(x);\n`);
    const r = spawnSync(process.execPath, [SCRIPT, '--root', bad], { encoding: 'utf8' });
    assert.equal(r.status, 1, `a message-less assert.ok fails the check: ${r.stderr}`);
    const file = path.join('test', 'a.test.ts');
    assert.equal(r.stderr, [
      `${file}:3:1: assert.ok(...) has no message; add one that says what was expected, e.g. assert.ok(x, 'the second unlock is refused') (docs/TESTING.md)`,
      `${file}:4:7: assert.rejects(...) has no message; add one that says what was expected, e.g. assert.rejects(x, /refused/) or assert.rejects(x, 'the second unlock is refused') (docs/TESTING.md)`,
      '',
    ].join('\n'), 'one line for the assert.ok and one for the validator-less assert.rejects');

    fs.writeFileSync(path.join(bad, 'test', 'a.test.ts'), `${IMPORT}\nassert.ok(ready, 'the server is ready');\n`);
    const ok = spawnSync(process.execPath, [SCRIPT, '--root', bad], { encoding: 'utf8' });
    assert.deepEqual([ok.status, ok.stderr], [0, ''], 'a tree whose assertions all carry a message passes');
  });

  it('passes this repository: every assert, assert.ok and validator-less throws/rejects under test/ carries a message', () => {
    assert.deepEqual(check(ROOT).map((f) => `${f.file}:${f.line}`), [], 'add a message to each assertion listed');
  });
});
