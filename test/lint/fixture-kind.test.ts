// Issue 13 done-when: the test-only kind in test/fixtures/kinds/cookie-rest/ is registered
// only through the registry and its own folders; no file under src/ names it. A kind that
// needed src/ to know its id (a switch case, a hard-coded server) would show up here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COOKIE_REST_ID } from '../fixtures/kinds/cookie-rest/descriptor.js';

const root = path.resolve(import.meta.dirname, '../..');
/** The id and the spellings its code uses (`cookie-rest`, `cookie_rest`, `CookieRest`, `COOKIE_REST`). */
const NAMES = /cookie[-_]?rest/i;

/** Every `path:line` under `dir` whose text names the fixture kind. */
function hits(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const rel = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (NAMES.test(rel)) out.push(rel);
    fs.readFileSync(path.join(root, rel), 'utf8').split('\n').forEach((line, i) => {
      if (NAMES.test(line)) out.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  return out;
}

describe('the test-only kind cookie-rest', () => {
  it('is named by no file under src/', () => {
    assert.ok(NAMES.test(COOKIE_REST_ID), 'the pattern matches the kind\'s own id');
    assert.deepEqual(hits('src'), [], 'src/ must not know the fixture kind: register it from test code (registerKindModule)');
  });
});
