// ASCII-only JavaScript out of every Node bundle (issue 17 item 5, docs/PERFORMANCE.md §5,
// round 5). V8 keeps a script's source as a one-byte string only when every character is
// Latin-1; one character above U+00FF anywhere (a dash or an ellipsis in a comment) makes it
// keep the whole source as two bytes per character: a server child's 1.4-1.8 MB bundle then
// holds 2.8-3.6 MB for as long as it runs. esbuild's default `charset: 'ascii'` escapes every
// non-ASCII character in code, but copies comments as they are, and it keeps some (JSDoc of
// src, the MCP SDK and zod). asciiSource() replaces each non-ASCII UTF-16 unit in a comment
// line with one ASCII character, so every line and column stays where the source map says,
// and refuses a bundle with a non-ASCII character anywhere else (that would be code, which
// esbuild should have escaped: a charset override, or a plugin's output).
import fs from 'node:fs';
import path from 'node:path';

/** Stand-ins for the typography comments use; any other non-ASCII unit becomes `?`. */
const STAND_INS = { '\u2014': '-', '\u2013': '-', '\u2026': '.', '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u00d7': 'x', '\u00a7': 'S', '\u2192': '>', '\u2190': '<', '\u2264': '<', '\u2265': '>', '\u00a0': ' ' };

/** A line that is all comment: `// ...`, `/* ...`, or ` * ...` inside a block comment. */
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*)/;

/**
 * `text` (a bundle's JavaScript) with every non-ASCII UTF-16 unit in a comment line replaced by
 * one ASCII character; throws, naming `file` and the line, on one outside a comment line.
 */
export function asciiSource(text, file) {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // eslint-disable-next-line no-control-regex
    if (!/[^\x00-\x7f]/.test(line)) continue;
    if (!COMMENT_LINE.test(line)) throw new Error(`${file}:${i + 1}: a non-ASCII character outside a comment (V8 would keep the whole bundle as two-byte text); esbuild escapes them unless charset is overridden: ${line.trim().slice(0, 120)}`);
    // eslint-disable-next-line no-control-regex
    lines[i] = line.replace(/[^\x00-\x7f]/g, (c) => STAND_INS[c] ?? '?');
  }
  return lines.join('\n');
}

/**
 * esbuild plugin: asciiSource() on every .js/.cjs/.mjs file a build writes (a build with
 * `write: false` hands its files to its caller, which calls asciiSource itself).
 * @type {import('esbuild').Plugin}
 */
export const asciiOutput = {
  name: 'ascii-output',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      if (build.initialOptions.write === false || !result.metafile) return;
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const name of Object.keys(result.metafile.outputs)) {
        if (!/\.(c|m)?js$/.test(name)) continue;
        // The metafile names outputs relative to the working folder.
        const out = path.resolve(cwd, name);
        const text = fs.readFileSync(out, 'utf8');
        const ascii = asciiSource(text, out);
        if (ascii !== text) fs.writeFileSync(out, ascii);
      }
    });
  },
};
