// Every `assert(...)` / `assert.ok(...)` in the tests carries a message, and every
// `assert.throws`/`assert.rejects` a validator or a message (docs/TESTING.md, "Assertions say
// what broke"): a bare one fails as "The expression evaluated to a falsy value" (or "Missing
// expected rejection" without saying which), and Node 20 may take minutes to build that text in a large tsx-loaded file
// (nodejs/node#52962). Read with the TypeScript parser, not a regex, so a comma inside the
// condition or a call split over lines is counted right.
//
//   node scripts/check-assert-messages.mjs            fail on a message-less assertion (above)
//   node scripts/check-assert-messages.mjs --list     also list the other message-less forms
//   node scripts/check-assert-messages.mjs --root DIR check DIR/test instead of this repository
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The forms the check refuses without a message, as form → the argument count that has no
 * message: the value alone says nothing. `assert.throws(fn)` and `assert.rejects(p)` take any
 * error; with a validator (a second argument) they say what they expected.
 */
export const GUARDED = new Map([['assert', 1], ['ok', 1], ['throws', 1], ['rejects', 1]]);

/** The other forms and the argument count that includes their message (for --list). */
const MESSAGE_AT = {
  ok: 2, equal: 3, notEqual: 3, strictEqual: 3, notStrictEqual: 3, deepEqual: 3, notDeepEqual: 3,
  deepStrictEqual: 3, notDeepStrictEqual: 3, match: 3, doesNotMatch: 3, throws: 3, doesNotThrow: 3,
  rejects: 3, doesNotReject: 3, partialDeepStrictEqual: 3,
};
const ASSERT_MODULES = new Set(['assert', 'assert/strict', 'node:assert', 'node:assert/strict']);

/**
 * The message-less assertions in one file's text. `form` is `assert` for a call of the
 * imported function itself, else the method name (`ok`, `equal`, ...).
 * @returns {{ line: number, column: number, form: string, args: number, start: number, end: number, lastArgEnd: number }[]}
 */
export function findMessageless(text, fileName = 'file.ts') {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('.ts') || fileName.endsWith('.mts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  // Names bound to node:assert in this file: the default or namespace import (`assert`), and
  // named imports (`import { ok, strict as assert } ...`).
  const moduleNames = new Set();
  const methodNames = new Map();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !ASSERT_MODULES.has(st.moduleSpecifier.text)) continue;
    const clause = st.importClause;
    if (!clause) continue;
    if (clause.name) moduleNames.add(clause.name.text);
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) moduleNames.add(nb.name.text);
    if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) {
        const imported = (el.propertyName ?? el.name).text;
        if (imported === 'strict' || imported === 'default') moduleNames.add(el.name.text);
        else methodNames.set(el.name.text, imported);
      }
    }
  }
  const out = [];
  if (moduleNames.size === 0 && methodNames.size === 0) return out;
  const visit = (node) => {
    if (ts.isCallExpression(node)) {
      const form = formOf(node.expression, moduleNames, methodNames);
      const need = form === 'assert' ? 2 : MESSAGE_AT[form];
      const spread = node.arguments.some((a) => ts.isSpreadElement(a));
      if (need !== undefined && !spread && node.arguments.length > 0 && node.arguments.length < need) {
        const start = node.getStart(sf);
        const { line, character } = sf.getLineAndCharacterOfPosition(start);
        out.push({ line: line + 1, column: character + 1, form, args: node.arguments.length, start, end: node.end, lastArgEnd: node.arguments[node.arguments.length - 1].end });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function formOf(callee, moduleNames, methodNames) {
  if (ts.isIdentifier(callee)) {
    if (moduleNames.has(callee.text)) return 'assert';
    return methodNames.get(callee.text);
  }
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && moduleNames.has(callee.expression.text)) {
    return callee.name.text;
  }
  return undefined;
}

/** Every TypeScript and JavaScript file under `dir`, but the lint fixtures (inputs, not tests). */
export function testFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || p.endsWith(path.join('test', 'fixtures', 'lint'))) continue;
      out.push(...testFiles(p));
    } else if (/\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** The guarded findings under `root`/test, as `file:line` lines (relative to root). */
export function check(root, { all = false } = {}) {
  const found = [];
  for (const file of testFiles(path.join(root, 'test'))) {
    for (const f of findMessageless(fs.readFileSync(file, 'utf8'), file)) {
      if (all || GUARDED.get(f.form) === f.args) found.push({ file: path.relative(root, file), ...f });
    }
  }
  return found;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf('--root');
  const root = rootAt >= 0 ? path.resolve(args[rootAt + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  if (args.includes('--list')) {
    const all = check(root, { all: true });
    const byForm = {};
    for (const f of all) {
      byForm[f.form] = (byForm[f.form] ?? 0) + 1;
      console.log(`${f.file}:${f.line}:${f.column} ${f.form}`);
    }
    console.log(`message-less: ${JSON.stringify(byForm)} in ${new Set(all.map((f) => f.file)).size} files`);
  }
  const bad = check(root);
  for (const f of bad) {
    const call = f.form === 'assert' ? 'assert(...)' : `assert.${f.form}(...)`;
    const example = f.form === 'throws' || f.form === 'rejects' ? `assert.${f.form}(x, /refused/) or assert.${f.form}(x, 'the second unlock is refused')` : "assert.ok(x, 'the second unlock is refused')";
    console.error(`${f.file}:${f.line}:${f.column}: ${call} has no message; add one that says what was expected, e.g. ${example} (docs/TESTING.md)`);
  }
  if (bad.length) process.exit(1);
}
