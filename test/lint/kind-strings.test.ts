// Issue 13 done-when: outside the kind folders (src/**/kinds/, src/connectors/<kind>/,
// src/mcp/<kind>/) and the login adapters, no source line compares against a kind id as a
// string literal: everything else asks the kind registry (src/base/kinds/registry.ts), so
// a new kind cannot be silently saved as another one by a forgotten ternary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILT_IN_KINDS } from '../../src/base/kinds/registry.js';

const root = path.resolve(import.meta.dirname, '../..');
const ids = BUILT_IN_KINDS.map((k) => k.id);

/** True for a file where naming a kind id is the point: its own folders and login adapter. */
function mayNameKinds(rel: string): boolean {
  const parts = rel.split('/');
  if (parts.slice(0, -1).includes('kinds')) return true;
  if ((parts[1] === 'connectors' || parts[1] === 'mcp') && ids.includes(parts[2] as never)) return true;
  const file = parts.at(-1) ?? '';
  return parts.includes('logins') && ids.some((id) => file.startsWith(`${id}-`) && file.endsWith('-login.ts'));
}

/** Every `path:line: text` under `dir` (relative to the repository) that names a kind id in quotes. */
function kindStringHits(dir: string): string[] {
  const literal = new RegExp(`['"](${ids.join('|')})['"]`);
  // A template literal compares as well (`kind === \`p6\``); in comments, backticks are
  // markup (`vsphere`), so only code is checked for them: lines that are not comments, up to a `//`.
  const template = new RegExp(`\`(${ids.join('|')})\``);
  const code = (line: string): string => (/^\s*(\*|\/\/|\/\*)/.test(line) ? '' : line.replace(/\s\/\/.*$/, ''));
  const hits: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|mts|cts|js|mjs|html|css)$/.test(entry.name)) continue;
    const rel = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (mayNameKinds(rel)) continue;
    fs.readFileSync(path.join(root, rel), 'utf8').split('\n').forEach((line, i) => {
      if (literal.test(line) || template.test(code(line))) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  return hits;
}

describe('kind ids in src/', () => {
  it('are named as string literals only in the kinds\' own folders and login adapters', () => {
    assert.deepEqual(kindStringHits('src'), [], 'take the kind id from its descriptor (base/kinds/) or ask the registry');
  });

  it('the allow-list lets through exactly the kind folders', () => {
    assert.equal(mayNameKinds('src/base/kinds/p6.ts'), true);
    assert.equal(mayNameKinds('src/platform/kinds/vsphere.ts'), true);
    assert.equal(mayNameKinds('src/connectors/p6/session/p6-login.ts'), true);
    assert.equal(mayNameKinds('src/mcp/vsphere/server.ts'), true);
    assert.equal(mayNameKinds('src/platform/broker/logins/p6-upstream-login.ts'), true);
    assert.equal(mayNameKinds('src/platform/broker/logins/to-login-error.ts'), false);
    assert.equal(mayNameKinds('src/connectors/tls/map-upstream-error.ts'), false);
    assert.equal(mayNameKinds('src/mcp/runtime/run-server.ts'), false);
    assert.equal(mayNameKinds('src/main/endpoint-config.ts'), false);
    assert.equal(mayNameKinds('src/kinds.ts'), false);
  });

  it('catches quotes of either kind and template literals in code, not backticks in comments', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kind-strings-probe-'));
    try {
      const [a, b] = ids as [string, string];
      fs.writeFileSync(path.join(dir, 'probe.ts'), [
        `const x = y === "${a}";`,
        `const z = y === \`${b}\`; // compared`,
        `/** The server (\`${a}\`, \`${b}\`). */`,
        ` * \`${a}\` in a block comment`,
        `const w = 1; // \`${b}\` in a trailing comment`,
      ].join('\n'));
      const rel = path.relative(root, dir);
      assert.deepEqual(kindStringHits(rel).map((h) => h.split(': ')[0]), [`${rel}/probe.ts:1`, `${rel}/probe.ts:2`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
