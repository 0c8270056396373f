import { isDeepStrictEqual } from 'node:util';
import type { EndpointKind } from '../../base/contracts/names.js';
import { CliError } from '../cli-error.js';
import { toOneLine } from '../format/one-line.js';
import { isBridgeEntry, type ClaudeServerEntry } from './bridge-entry.js';

/** What install did to one server: new, refreshed (ours), left alone (ours, same), or taken over with --force. */
export type ClaudeInstallAction = 'added' | 'updated' | 'unchanged' | 'replaced';

/** One line of the install report. */
export interface ClaudeInstallChange {
  readonly server: EndpointKind;
  readonly action: ClaudeInstallAction;
}

/** The merged file, or `text: undefined` when the file already says exactly this. */
export interface MergedClaudeConfig {
  readonly text: string | undefined;
  readonly changes: readonly ClaudeInstallChange[];
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/**
 * Merge `entries` into Claude Desktop's config text (`undefined`: no file yet). Every other
 * top-level key and server keeps its value and its place; new servers go last. A server
 * that is already a KeyBroker bridge is updated in place, keeping keys the user added (an
 * `env`, say); anything else under our names is someone else's and needs `force`.
 * Throws a one-line CliError, before anything is written, when the text is not a JSON
 * object or `mcpServers` is not an object: we never guess at a file we cannot read.
 */
export function mergeClaudeConfig(file: string, text: string | undefined, entries: ReadonlyMap<EndpointKind, ClaudeServerEntry>, force: boolean): MergedClaudeConfig {
  const root = parseRoot(file, text);
  if (Object.hasOwn(root, 'mcpServers') && !isObject(root['mcpServers'])) {
    throw new CliError(`${file}: "mcpServers" is ${kindOf(root['mcpServers'])}, expected an object; fix it by hand (the file was left untouched)`);
  }
  const servers: JsonObject = isObject(root['mcpServers']) ? root['mcpServers'] : {};

  const changes: ClaudeInstallChange[] = [];
  const next = new Map<string, unknown>(Object.entries(servers));
  const foreign: string[] = [];
  for (const [server, entry] of entries) {
    const old = Object.hasOwn(servers, server) ? servers[server] : undefined;
    if (old === undefined) {
      next.set(server, entry);
      changes.push({ server, action: 'added' });
    } else if (isBridgeEntry(old, server)) {
      const merged = updateOurs(old as JsonObject, entry);
      next.set(server, merged);
      changes.push({ server, action: isDeepStrictEqual(merged, old) ? 'unchanged' : 'updated' });
    } else if (force) {
      next.set(server, entry);
      changes.push({ server, action: 'replaced' });
    } else {
      foreign.push(describeForeign(server, old));
    }
  }
  if (foreign.length > 0) {
    throw new CliError(`${file} already has ${foreign.join(' and ')}, not KeyBroker's bridge; rerun with --force to replace (a backup is kept) or rename that server in the file`);
  }
  if (text !== undefined && changes.every((c) => c.action === 'unchanged')) return { text: undefined, changes };

  // Object.fromEntries defines own properties, so a server named "__proto__" stays data.
  const mcpServers = Object.fromEntries(next);
  const merged = Object.hasOwn(root, 'mcpServers')
    ? Object.fromEntries(Object.entries(root).map(([k, v]) => [k, k === 'mcpServers' ? mcpServers : v]))
    : { ...root, mcpServers };
  return { text: serialize(merged, text), changes };
}

function parseRoot(file: string, text: string | undefined): JsonObject {
  // A UTF-8 BOM (Notepad adds one) is not JSON but is not the user's content either.
  const body = text?.replace(/^\uFEFF/, '');
  // An empty file holds nothing to lose; Claude Desktop treats it as no servers too.
  if (body === undefined || body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON (${toOneLine((e as Error).message, 120)}); fix it or move it away, then retry (the file was left untouched)`);
  }
  if (!isObject(value)) throw new CliError(`${file}: the top level is ${kindOf(value)}, expected an object; fix it by hand (the file was left untouched)`);
  return value;
}

/** Our entry refreshed: new command and args, a pinned home added to the user's env, the rest kept. */
function updateOurs(old: JsonObject, entry: ClaudeServerEntry): JsonObject {
  const updated: JsonObject = { ...old, command: entry.command, args: [...entry.args] };
  if (entry.env) updated['env'] = { ...(isObject(old['env']) ? old['env'] : {}), ...entry.env };
  return updated;
}

function describeForeign(server: string, old: unknown): string {
  const command = isObject(old) && typeof old['command'] === 'string' ? ` (it runs "${toOneLine(old['command'], 60)}")` : '';
  return `a "${server}" server${command}`;
}

/** Pretty JSON in the file's own indentation and line endings, so a diff shows only our lines. */
function serialize(value: unknown, previous: string | undefined): string {
  const indentMatch = previous === undefined ? null : /^([ \t]+)"/m.exec(previous);
  const found = indentMatch?.[1];
  const indent = found === undefined ? 2 : found.startsWith('\t') ? '\t' : Math.min(found.length, 8);
  const out = JSON.stringify(value, null, indent) + '\n';
  return previous?.includes('\r\n') ? out.replace(/\n/g, '\r\n') : out;
}
