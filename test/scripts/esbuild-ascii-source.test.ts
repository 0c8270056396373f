// ASCII-only bundles (scripts/esbuild-ascii-source.mjs): V8 keeps a source with one character
// above U+00FF as two bytes per character, so every Node bundle the build writes is ASCII, its
// comments' typography replaced one for one (lines and columns stay where the source maps say),
// and a non-ASCII character in code fails the build.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asciiOutput, asciiSource } from '../../scripts/esbuild-ascii-source.mjs';
import { ROOT } from '../renderer/renderer-harness.js';

const DIST = path.join(ROOT, 'dist');

describe('ASCII-only bundles', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ascii-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('every Node bundle the build wrote is ASCII (the children, status, the bridge, the CLI, Electron main)', () => {
    const files = [
      ...['vsphere', 'p6'].flatMap((n) => [path.join(DIST, 'mcp', n, 'server.cjs'), path.join(DIST, 'mcp', n, 'index.cjs')]),
      ...['status.cjs', 'status-loader.js', 'bridge.cjs', 'index.js'].map((f) => path.join(DIST, 'cli', f)),
      ...fs.readdirSync(path.join(DIST, 'cli', 'chunks')).filter((f) => f.endsWith('.js')).map((f) => path.join(DIST, 'cli', 'chunks', f)),
      path.join(DIST, 'main', 'index.js'),
    ];
    for (const file of files) {
      // eslint-disable-next-line no-control-regex
      const at = fs.readFileSync(file, 'utf8').search(/[^\x00-\x7f]/);
      assert.equal(at, -1, `${path.relative(ROOT, file)} has a non-ASCII character at ${at}`);
    }
  });

  it('replaces non-ASCII characters in comment lines one for one, and leaves ASCII text as it is', () => {
    const text = 'const a = "\\u2014";\n  /** A \u2014 B \u2026 C \u00a7 4 \u{1F600} */\n  // x \u2192 y\n   * and \u00e9\n';
    const ascii = asciiSource(text, 'x.js');
    assert.equal(ascii, 'const a = "\\u2014";\n  /** A - B . C S 4 ?? */\n  // x > y\n   * and ?\n');
    assert.equal(ascii.length, text.length, 'same UTF-16 length, so every column is unchanged');
    assert.equal(asciiSource('plain\n', 'x.js'), 'plain\n');
  });

  it('a non-ASCII character outside a comment line fails, naming the file and line', () => {
    assert.throws(() => asciiSource('// fine \u2014\nconst s = "\u2014";\n', 'out/x.js'), /out\/x\.js:2: a non-ASCII character outside a comment/);
    assert.throws(() => asciiSource('f(); // trailing \u2014\n', 'x.js'), /x\.js:1: /);
  });

  it('a build that overrides esbuild\u2019s ASCII charset fails; one that keeps it is rewritten on disk', async () => {
    const { build } = await import('esbuild');
    const run = (charset: 'ascii' | 'utf8', name: string) =>
      build({ stdin: { contents: 'export function f() {\n  /** d\u00e9j\u00e0 \u2014 vu */\n  return "\u2014" + g();\n}\nfunction g() { return "x"; }\n', loader: 'js' }, outfile: path.join(tmp, name), bundle: true, format: 'esm', charset, logLevel: 'silent', plugins: [asciiOutput] });
    await assert.rejects(run('utf8', 'utf8.js'), /non-ASCII character outside a comment/);
    await run('ascii', 'ascii.js');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(fs.readFileSync(path.join(tmp, 'ascii.js'), 'utf8'), /[^\x00-\x7f]/);
  });
});
