// D263: how node runs a config.json server's entry, decided from the snapshot's
// bytes (never from the disk, which a writer may have rewritten since the read).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryFormat, EntryFormatError } from '../../../../src/platform/supervisor/code-load/entry-format.js';

const file = (p: string, text: string) => ({ path: p, bytes: Buffer.from(text) });
const js = (text: string, pkg?: string) => [file('/srv/x/index.js', text), ...(pkg === undefined ? [] : [file('/srv/x/package.json', pkg)])];

describe('entryFormat()', () => {
  it('.mjs and .cjs by their extension, whatever package.json says', () => {
    assert.equal(entryFormat([file('/srv/x/a.mjs', 'module.exports = 1;'), file('/srv/x/package.json', '{"type":"commonjs"}')]), 'module', '.mjs is an ES module');
    assert.equal(entryFormat([file('/srv/x/a.cjs', 'export {};'), file('/srv/x/package.json', '{"type":"module"}')]), 'commonjs', '.cjs is CommonJS');
  });

  it('a .js, or a name without an extension, by the package.json\'s type', () => {
    assert.equal(entryFormat(js('export {};', '{"type":"commonjs"}')), 'commonjs', 'type commonjs, even with module syntax');
    assert.equal(entryFormat(js('module.exports = 1;', '{"type":"module"}')), 'module', 'type module');
    assert.equal(entryFormat([file('/srv/x/server', 'require("x");'), file('/srv/x/package.json', '{"type":"module"}')]), 'module', 'no extension: the type too');
  });

  it('without a type (no package.json, no field, or another value), by node\'s syntax detection over the bytes', () => {
    assert.equal(entryFormat(js('module.exports = require("./x.js");')), 'commonjs', 'CommonJS code, no package.json');
    assert.equal(entryFormat(js('import fs from "node:fs"; fs;', '{}')), 'module', 'an import statement');
    assert.equal(entryFormat(js('export const a = 1;', '{"type":"json"}')), 'module', 'an export, and a type node ignores');
    assert.equal(entryFormat(js('console.log(import.meta.url);', 'null')), 'module', 'import.meta, and a package.json that is null');
    assert.equal(entryFormat(js('await Promise.resolve();')), 'module', 'top-level await');
    for (const name of ['require', 'module', 'exports', '__filename', '__dirname']) assert.equal(entryFormat(js(`const ${name} = 1;`)), 'module', `${name}, a name CommonJS's wrapper declares`);
    assert.equal(entryFormat(js('const x = ;')), 'commonjs', 'a syntax error of any module: CommonJS, as node reports it');
    assert.equal(entryFormat(js('import("node:fs");')), 'commonjs', 'a dynamic import is CommonJS too');
  });

  it('nothing for an entry only a loader of execArgv runs (.ts), or no file', () => {
    assert.equal(entryFormat([file('/srv/x/server.ts', 'export {};')]), undefined, 'a .ts entry');
    assert.equal(entryFormat([]), undefined, 'no entry');
  });

  it('refuses a package.json that is not JSON, in one line, keeping the cause', () => {
    assert.throws(
      () => entryFormat(js('x', '{"type":')),
      (e: Error) => e instanceof EntryFormatError && e.message === 'the package.json of the server module /srv/x/package.json is not valid JSON; fix it and restart the server' && e.cause instanceof SyntaxError,
      'the line and its cause',
    );
  });

  it('Security: compiles the entry to decide, never runs it', () => {
    const g = globalThis as { ranEntry?: boolean };
    delete g.ranEntry;
    assert.equal(entryFormat(js('globalThis.ranEntry = true;')), 'commonjs', 'CommonJS');
    assert.equal(g.ranEntry, undefined, 'and it did not run');
  });
});
