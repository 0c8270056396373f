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

  it('replaces non-ASCII characters in comment lines one for one, and leaves ASCII text as it is', async () => {
    const text = 'const a = "\\u2014";\n  /** A \u2014 B \u2026 C \u00a7 4 \u{1F600} */\n  // x \u2192 y\n  /*\n   * and \u00e9\n   */\n';
    const ascii = await asciiSource(text, 'x.js');
    assert.equal(ascii, 'const a = "\\u2014";\n  /** A - B . C S 4 ?? */\n  // x > y\n  /*\n   * and ?\n   */\n');
    assert.equal(ascii.length, text.length, 'same UTF-16 length, so every column is unchanged');
    assert.equal(await asciiSource('plain\n', 'x.js'), 'plain\n');
  });

  it('a non-ASCII character outside a comment line fails, naming the file and line', async () => {
    await assert.rejects(asciiSource('// fine \u2014\nconst s = "\u2014";\n', 'out/x.js'), /out\/x\.js:2: a non-ASCII character outside a comment/);
    await assert.rejects(asciiSource('f(); // trailing \u2014\n', 'x.js'), /x\.js:1: /);
    // esbuild leaves a regular expression literal's characters as they are (escaping them could
    // change its meaning), so one written in src fails the build, saying how to write it.
    const { build } = await import('esbuild');
    const re = await build({ stdin: { contents: 'export const dash = /[\u2013\u2014]/;\n', loader: 'js' }, bundle: true, format: 'esm', write: false, logLevel: 'silent' });
    await assert.rejects(asciiSource(re.outputFiles[0]!.text, 're.js'), /not in a regular expression literal \(write \\uXXXX there\)/);
  });

  it('a build that overrides esbuild\u2019s ASCII charset fails; one that keeps it is rewritten on disk', async () => {
    const { build } = await import('esbuild');
    const run = (charset: 'ascii' | 'utf8', name: string) =>
      build({ stdin: { contents: 'export function f() {\n  /** d\u00e9j\u00e0 \u2014 vu */\n  return "\u2014" + g();\n}\nfunction g() { return "x"; }\n', loader: 'js' }, outfile: path.join(tmp, name), bundle: true, format: 'esm', charset, logLevel: 'silent', plugins: [asciiOutput] });
    await assert.rejects(run('utf8', 'utf8.js'), /charset 'utf8' keeps non-ASCII characters in code/);
    await run('ascii', 'ascii.js');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(fs.readFileSync(path.join(tmp, 'ascii.js'), 'utf8'), /[^\x00-\x7f]/);
  });

  it('writes each bundle whole, never its non-ASCII first form: a reader polling the file beside the build only ever sees ASCII', async () => {
    // The race the suite met: another test rebuilt dist/main while this file read it, between
    // esbuild's write and the rewrite. Now the plugin writes the ASCII text once (renamed into place).
    const { build } = await import('esbuild');
    const out = path.join(tmp, 'watched.js');
    // A legal comment, which esbuild keeps where it stands (legalComments: 'inline').
    const comment = `/*! ${'d\u00e9j\u00e0 \u2014 vu '.repeat(20_000)} */`;
    let seen = 0;
    let nonAscii = 0;
    let building = true;
    const poll = (async () => {
      while (building) {
        if (fs.existsSync(out)) {
          seen++;
          // eslint-disable-next-line no-control-regex
          if (/[^\x00-\x7f]/.test(fs.readFileSync(out, 'utf8'))) nonAscii++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 5; i++) {
      await build({ stdin: { contents: `${comment}\nexport function f${i}() {\n  return ${i};\n}\n`, loader: 'js' }, outfile: out, bundle: true, format: 'esm', legalComments: 'inline', logLevel: 'silent', plugins: [asciiOutput] });
    }
    building = false;
    await poll;
    assert.ok(seen > 0, 'the poll read the output file while the builds ran at least once');
    assert.equal(nonAscii, 0);
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp')), []);
  });

  it('a comment-looking line inside a template literal is code: its non-ASCII characters fail the build, never rewritten', async () => {
    // esbuild keeps a tagged template's raw text as it is (escaping it would change
    // `String.raw`), so a line of it that starts like a comment (` * `, `// `) holds non-ASCII
    // code. Replacing it "one for one" would change the program's strings silently.
    const source = 'export const notes = String.raw`Steps:\n * one \u2014 two\n// d\u00e9j\u00e0`;\nexport const list = (t) => t.raw[0];\nexport const tagged = list`\n * \u2026 more`;\n';
    const { build } = await import('esbuild');
    const out = await build({ stdin: { contents: source, loader: 'js' }, bundle: true, format: 'esm', write: false, logLevel: 'silent' });
    const text = out.outputFiles[0]!.text;
    assert.ok(text.includes('\u2014'), 'esbuild left the raw template text non-ASCII (the case under test)');
    await assert.rejects(asciiSource(text, 'out/raw.js'), /out\/raw\.js: a non-ASCII character in code/);
    await assert.rejects(
      build({ stdin: { contents: source, loader: 'js' }, outfile: path.join(tmp, 'raw.js'), bundle: true, format: 'esm', logLevel: 'silent', plugins: [asciiOutput] }),
      /a non-ASCII character in code/,
    );
    assert.equal(fs.existsSync(path.join(tmp, 'raw.js')), false, 'a refused bundle is never written');
    // And an untagged one in a build that overrides the charset (its cooked text kept as is).
    await assert.rejects(
      build({ stdin: { contents: 'export const s = `first\n * \u2014 second`;\n', loader: 'js' }, outfile: path.join(tmp, 'cooked.js'), bundle: true, format: 'esm', charset: 'utf8', logLevel: 'silent', plugins: [asciiOutput] }),
      /charset 'utf8'/,
    );
  });

  it("leaves a build that asked for write: false as it was: esbuild's text handed back untouched, nothing on disk", async () => {
    const { build } = await import('esbuild');
    const out = path.join(tmp, 'in-memory', 'm.js');
    const result = await build({ stdin: { contents: '/*! d\u00e9j\u00e0 */\nexport const x = 1;\n', loader: 'js' }, outfile: out, bundle: true, format: 'esm', legalComments: 'inline', write: false, logLevel: 'silent', plugins: [asciiOutput] });
    assert.ok(result.outputFiles[0]!.text.includes('d\u00e9j\u00e0'), 'the caller rewrites its own files (buildCachedEntry)');
    assert.equal(fs.existsSync(path.dirname(out)), false);
  });

  it('writes the source map beside the bundle (not rewritten), into folders that do not exist yet, and leaves no temporary file', async () => {
    const { build } = await import('esbuild');
    const out = path.join(tmp, 'new', 'deeper', 'mapped.js');
    await build({ stdin: { contents: '/*! d\u00e9j\u00e0 */\nexport const x = () => 1;\n', loader: 'js', sourcefile: 'caf\u00e9.js' }, outfile: out, bundle: true, format: 'esm', legalComments: 'inline', sourcemap: true, logLevel: 'silent', plugins: [asciiOutput] });
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(fs.readFileSync(out, 'utf8'), /[^\x00-\x7f]/);
    const map = JSON.parse(fs.readFileSync(`${out}.map`, 'utf8')) as { sources: string[] };
    assert.ok(map.sources.some((s) => s.includes('caf\u00e9')), 'the map is written as esbuild made it');
    assert.deepEqual(fs.readdirSync(path.dirname(out)).sort(), ['mapped.js', 'mapped.js.map']);
  });

  it('a failure while writing the second file changes neither: the first keeps its old text, and no temporary file is left', async () => {
    const { build } = await import('esbuild');
    const dir = path.join(tmp, 'half');
    const out = path.join(dir, 'pair.js');
    const once = (n: number) => build({ stdin: { contents: `export const n = ${n};\n`, loader: 'js' }, outfile: out, bundle: true, format: 'esm', sourcemap: true, logLevel: 'silent', plugins: [asciiOutput] });
    await once(1);
    const before = [fs.readFileSync(out, 'utf8'), fs.readFileSync(`${out}.map`, 'utf8')];
    // The second output's temporary file cannot be written (a folder stands in its name),
    // whichever of the two esbuild lists second.
    const blockers = [`${out}.${process.pid}.1.tmp`, `${out}.map.${process.pid}.1.tmp`];
    for (const b of blockers) fs.mkdirSync(b);
    try {
      await assert.rejects(once(2), 'the build fails while its temp files are blocked');
      assert.deepEqual([fs.readFileSync(out, 'utf8'), fs.readFileSync(`${out}.map`, 'utf8')], before, 'neither file was replaced while the other could not be');
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') && !blockers.includes(path.join(dir, f))), []);
    } finally {
      for (const b of blockers) fs.rmSync(b, { recursive: true, force: true });
    }
    await once(3);
    assert.match(fs.readFileSync(out, 'utf8'), /n = 3/);
  });
});
