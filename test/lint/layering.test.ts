import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

// Each fixture says where it pretends to live and which rule must fire (or `none`).
// Linting it at that virtual path proves the DESIGN.md layer table is enforced, and the
// `none` fixtures prove the rules are not simply failing everything.
const root = path.resolve(import.meta.dirname, '../..');
const fixturesDir = path.join(root, 'test/fixtures/lint');
const eslint = new ESLint({ cwd: root });

for (const name of fs.readdirSync(fixturesDir).sort()) {
  const text = fs.readFileSync(path.join(fixturesDir, name), 'utf8');
  const lintAs = /^\/\/ lint-as: (.+)$/m.exec(text)?.[1];
  const expect = /^\/\/ expect: (.+)$/m.exec(text)?.[1];
  assert.ok(lintAs && expect, `${name} needs lint-as and expect headers`);

  describe(`lint fixture ${name}`, () => {
    it(expect === 'none' ? `passes as ${lintAs}` : `fails ${expect} as ${lintAs}`, async () => {
      const [result] = await eslint.lintText(text, { filePath: path.join(root, lintAs) });
      const rules = (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
      // An import that resolves nowhere is never restricted, so a stale fixture would pass
      // vacuously: every relative import must name a real source file (D67's folder move).
      for (const [, spec] of text.matchAll(/from '(\.[^']+)'/g)) {
        const target = path.resolve(path.dirname(path.join(root, lintAs)), spec!).replace(/\.js$/, '.ts');
        assert.ok(fs.existsSync(target), `${name}: ${spec} does not resolve from ${lintAs}`);
      }
      if (expect === 'none') assert.deepEqual(rules, []);
      else assert.ok(rules.includes(expect), `expected ${expect}, got [${rules.join(', ')}]`);
    });
  });
}
