// ASCII-only JavaScript out of every Node bundle (issue 17 item 5, docs/PERFORMANCE.md §5,
// round 5). V8 keeps a script's source as a one-byte string only when every character is
// Latin-1; one character above U+00FF anywhere (a dash or an ellipsis in a comment) makes it
// keep the whole source as two bytes per character: a server child's 1.4-1.8 MB bundle then
// holds 2.8-3.6 MB for as long as it runs. esbuild's default `charset: 'ascii'` escapes the
// non-ASCII characters of strings, untagged templates and names (not of a regular expression
// literal or a tagged template's raw text, whose meaning would change), but copies comments
// as they are, and it keeps some (JSDoc of
// src, the MCP SDK and zod). asciiSource() replaces each non-ASCII UTF-16 unit in a comment
// line with one ASCII character, so every line and column stays where the source map says,
// and refuses a bundle with a non-ASCII character anywhere else (that would be code, which
// esbuild should have escaped: a charset override, or a plugin's output).
//
// A line that starts like a comment is not always one: esbuild keeps a tagged template's raw
// text as it is (escaping it would change `String.raw` and `t.raw`), and a line of such a
// template can start with ` * ` or `//`. So esbuild itself strips the bundle's comments
// (minifyWhitespace, no legal comments; the default charset escapes every string it may): a
// non-ASCII character left is code esbuild cannot escape (a tagged template's raw text, a
// regular expression literal), and the bundle is refused rather than rewritten (a
// replacement there would change the program's strings silently). A build that overrides the
// charset (its strings and templates then hold non-ASCII text as it is) is refused outright.
import fs from 'node:fs';
import path from 'node:path';
import { transform } from 'esbuild';

/** Stand-ins for the typography comments use; any other non-ASCII unit becomes `?`. */
const STAND_INS = { '\u2014': '-', '\u2013': '-', '\u2026': '.', '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u00d7': 'x', '\u00a7': 'S', '\u2192': '>', '\u2190': '<', '\u2264': '<', '\u2265': '>', '\u00a0': ' ' };

/** A line that is all comment: `// ...`, `/* ...`, or ` * ...` inside a block comment. */
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*)/;

/**
 * `text` (a bundle's JavaScript) with every non-ASCII UTF-16 unit in a comment line replaced by
 * one ASCII character; rejects, naming `file` (and the line), on one outside a comment.
 */
export async function asciiSource(text, file) {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // eslint-disable-next-line no-control-regex
    if (!/[^\x00-\x7f]/.test(line)) continue;
    if (!COMMENT_LINE.test(line)) throw new Error(`${file}:${i + 1}: a non-ASCII character outside a comment (V8 would keep the whole bundle as two-byte text); esbuild escapes them in strings and names, not in a regular expression literal (write \\uXXXX there) or when charset is overridden: ${line.trim().slice(0, 120)}`);
    // eslint-disable-next-line no-control-regex
    lines[i] = line.replace(/[^\x00-\x7f]/g, (c) => STAND_INS[c] ?? '?');
  }
  // Security: only comments are rewritten. Every replacement is on a line that looks like a
  // comment; prove none is in code (see the top of this file).
  const inCode = await nonAsciiInCode(text, file);
  if (inCode !== undefined) throw new Error(`${file}: a non-ASCII character in code on a line that looks like a comment (a tagged template's raw text, say); it cannot be replaced without changing the program: ${inCode}`);
  return lines.join('\n');
}

/** The code around the first non-ASCII character of `text` outside its comments, as esbuild parses and prints it; undefined if none. */
async function nonAsciiInCode(text, file) {
  let code;
  try {
    ({ code } = await transform(text, { loader: 'js', minifyWhitespace: true, legalComments: 'none', charset: 'ascii', logLevel: 'silent' }));
  } catch (e) {
    throw new Error(`${file}: esbuild cannot parse the bundle again (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, { cause: e });
  }
  // eslint-disable-next-line no-control-regex
  const at = code.search(/[^\x00-\x7f]/);
  return at < 0 ? undefined : JSON.stringify(code.slice(Math.max(0, at - 60), at + 20));
}

/**
 * esbuild plugin: asciiSource() on every .js/.cjs/.mjs file a build writes (a build with
 * `write: false` hands its files to its caller, which calls asciiSource itself).
 * @type {import('esbuild').Plugin}
 */
export const asciiOutput = {
  name: 'ascii-output',
  setup(build) {
    // Security: with another charset esbuild leaves non-ASCII text in strings and templates,
    // where a line can start like a comment; such a bundle is never rewritten.
    const { charset } = build.initialOptions;
    if (charset !== undefined && charset !== 'ascii') throw new Error(`ascii-output: a build with charset '${charset}' keeps non-ASCII characters in code; leave esbuild's default (ascii)`);
    // esbuild hands the output over in memory and this plugin writes it, each file whole
    // (a temporary file renamed over the old one): a bundle esbuild wrote and this plugin then
    // rewrote was on disk non-ASCII in between, where a reader running beside a build (a test,
    // an app starting) could take it; and a refused bundle is now never written at all.
    const writes = build.initialOptions.write !== false;
    build.initialOptions.write = false;
    build.onEnd(async (result) => {
      if (!writes || !result.outputFiles) return;
      const texts = await Promise.all(result.outputFiles.map((file) => (/\.(c|m)?js$/.test(file.path) ? asciiSource(file.text, file.path) : undefined)));
      writeFilesWhole(result.outputFiles.map((file, i) => ({ path: file.path, data: texts[i] ?? file.contents })));
    });
  },
};

/**
 * Writes each `{path, data}` whole: every file to a temporary file beside it first, then each
 * renamed over its target, so a reader never sees a file half written. A failure while writing
 * (a full disk) changes no target and leaves no temporary file; only a failed rename can leave
 * the set mixed, as a failed write between two of esbuild's own files could before. Folders are
 * made as needed.
 */
export function writeFilesWhole(files) {
  const tmps = [];
  try {
    files.forEach((file, i) => {
      fs.mkdirSync(path.dirname(file.path), { recursive: true });
      const tmp = `${file.path}.${process.pid}.${i}.tmp`;
      tmps.push(tmp);
      fs.writeFileSync(tmp, file.data);
    });
    files.forEach((file, i) => fs.renameSync(tmps[i], file.path));
  } catch (error) {
    for (const tmp of tmps) fs.rmSync(tmp, { force: true });
    throw error;
  }
}
