import path from 'node:path';
import vm from 'node:vm';
import { CoreError } from '../../../base/errors/core-error.js';
import type { SnapshotFile } from '../module-snapshot.js';

/** How node runs an entry module: as an ES module or as CommonJS. */
export type EntryFormat = 'module' | 'commonjs';

/** A config.json server's package.json that node could not read either: it is not started. */
export class EntryFormatError extends CoreError {
  override readonly name = 'EntryFormatError' as const;
  readonly code = 'CORE_ENTRY_FORMAT' as const;
}

/**
 * What V8 says when CommonJS meets ES module syntax: node 20.19+ and 22 then run a `.js` of no
 * declared type as an ES module (its "syntax detection", lib/internal/modules/helpers.js).
 */
const MODULE_SYNTAX_ERRORS = [
  'Cannot use import statement outside a module',
  "Unexpected token 'export'",
  "Cannot use 'import.meta' outside a module",
  // Top-level await, and names CommonJS's wrapper already declares: node retries these as a module too.
  'await is only valid in async functions and the top level bodies of modules',
  "Identifier 'module' has already been declared",
  "Identifier 'exports' has already been declared",
  "Identifier 'require' has already been declared",
  "Identifier '__filename' has already been declared",
  "Identifier '__dirname' has already been declared",
];

/** Does `source` fail to compile as CommonJS the way only an ES module does? Compiled, never run. */
function hasModuleSyntax(source: string): boolean {
  try {
    vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname']);
    return false;
  } catch (e) {
    return e instanceof SyntaxError && MODULE_SYNTAX_ERRORS.includes(e.message);
  }
}

/** package.json's `type`, as node reads it: anything but "module" and "commonjs" is no type. */
function packageType(file: SnapshotFile): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(file.bytes).toString('utf8'));
  } catch (e) {
    throw new EntryFormatError(`the package.json of the server module ${file.path} is not valid JSON; fix it and restart the server`, { cause: e });
  }
  const type = (parsed as { type?: unknown } | null)?.type;
  return type === 'module' || type === 'commonjs' ? type : undefined;
}

/**
 * How node runs `files[0]` (a config.json server's entry, D263), decided from the
 * snapshot's bytes, never from the disk: `.mjs` and `.cjs` by their extension, a `.js` (or a
 * name without one) by the `type` of the snapshot's package.json, and without a type by node's
 * syntax detection over the entry's bytes. Security: the child is told this format with the
 * bytes, so a package.json rewritten after the read cannot make node run the approved bytes as
 * the other kind of module. Undefined for any other extension (`.ts` under an execArgv loader
 * such as tsx): node cannot run those without that loader, which reads the file itself.
 */
export function entryFormat(files: readonly SnapshotFile[]): EntryFormat | undefined {
  const [entry, pkg] = files;
  if (!entry) return undefined;
  const ext = path.extname(entry.path);
  if (ext === '.mjs') return 'module';
  if (ext === '.cjs') return 'commonjs';
  if (ext !== '.js' && ext !== '') return undefined;
  const type = pkg ? packageType(pkg) : undefined;
  if (type !== undefined) return type as EntryFormat;
  return hasModuleSyntax(Buffer.from(entry.bytes).toString('utf8')) ? 'module' : 'commonjs';
}
