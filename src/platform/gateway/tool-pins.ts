import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ToolPinsFile, type PinnedServer, type PinnedTool } from '../../base/contracts/tool-pins.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { clip, definitionChangeLines } from './pin-diff-lines.js';

/** JSON with object keys sorted at every level: the same definition always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** What a pin covers of one tool: everything a client reads or the gateway decides on. */
function definitionOf(tool: Tool): Record<string, unknown> {
  const d: Record<string, unknown> = { description: tool.description ?? '', inputSchema: tool.inputSchema };
  if (tool.title !== undefined) d['title'] = tool.title;
  if (tool.outputSchema !== undefined) d['outputSchema'] = tool.outputSchema;
  if (tool.annotations !== undefined) d['annotations'] = tool.annotations;
  return d;
}

/** A server's tool set as it would be pinned now. */
export function pinOf(tools: readonly Tool[], now: number): PinnedServer {
  const pinned: Record<string, PinnedTool> = {};
  for (const t of tools) {
    const definition = definitionOf(t);
    pinned[t.name] = { hash: sha256(canonical({ name: t.name, ...definition })), definition };
  }
  const hash = sha256(canonical(Object.keys(pinned).sort().map((n) => [n, pinned[n]!.hash])));
  return { hash, pinnedAt: new Date(now).toISOString(), tools: pinned };
}

/** How a presented tool set differs from the pinned one. */
export interface PinDiff {
  /** Tools added, removed or changed, sorted. */
  readonly tools: string[];
  /** One line per change: "+ tool x added", "- tool y removed", "~ tool z: description changed". */
  readonly diff: string;
}

/** The readable difference between two pins of one server; undefined when they are equal. */
export function diffPins(was: PinnedServer, now: PinnedServer): PinDiff | undefined {
  if (was.hash === now.hash) return undefined;
  const names = [...new Set([...Object.keys(was.tools), ...Object.keys(now.tools)])].sort();
  const tools: string[] = [];
  const lines: string[] = [];
  for (const name of names) {
    const a = was.tools[name];
    const b = now.tools[name];
    if (a && b && a.hash === b.hash) continue;
    tools.push(name);
    if (!a) lines.push(`+ tool ${name} added: ${clip(typeof b!.definition['description'] === 'string' ? b!.definition['description'] : canonical(b!.definition['description']))}`);
    else if (!b) lines.push(`- tool ${name} removed`);
    else {
      for (const key of [...new Set([...Object.keys(a.definition), ...Object.keys(b.definition)])].sort()) {
        const before = a.definition[key];
        const after = b.definition[key];
        if (canonical(before) === canonical(after)) continue;
        lines.push(...definitionChangeLines(name, key, before, after, canonical));
      }
    }
  }
  return { tools, diff: lines.join('\n') };
}

/**
 * Pinned tool definitions (issue 14), in `<home>/tool-pins.json`: the tool set each server
 * presented at first use, with hashes. Written atomically, 0600. Security: a file that does
 * not parse is not trusted as "nothing pinned" (which would silently accept any set): it
 * makes every server's set count as changed until it is approved again.
 */
export class ToolPins {
  private file: ToolPinsFile;
  private readonly corrupt: boolean;

  constructor(private readonly path: string) {
    let text: string | undefined;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const parsed = text === undefined ? undefined : ToolPinsFile.safeParse((() => { try { return JSON.parse(text); } catch { return undefined; } })());
    this.corrupt = parsed !== undefined && !parsed.success;
    this.file = parsed?.success ? parsed.data : { version: 1, servers: {} };
  }

  /** The pinned set of `server`, if any. */
  get(server: string): PinnedServer | undefined {
    return Object.hasOwn(this.file.servers, server) ? this.file.servers[server] : undefined;
  }

  /**
   * Compare a presented set with the pin. The first set a server presents is pinned (when the
   * file was readable); `changed` is the diff otherwise, undefined when the set is the pinned one.
   */
  observe(server: string, tools: readonly Tool[], now: number): { first: boolean; presented: PinnedServer; changed?: PinDiff } {
    const presented = pinOf(tools, now);
    const was = this.get(server);
    if (!was) {
      if (this.corrupt) return { first: false, presented, changed: { tools: Object.keys(presented.tools).sort(), diff: `the pinned definitions in ${this.path} could not be read; every tool counts as changed` } };
      this.pin(server, presented);
      return { first: true, presented };
    }
    const changed = diffPins(was, presented);
    return changed ? { first: false, presented, changed } : { first: false, presented };
  }

  /** Pin `set` as `server`'s approved tool set. */
  pin(server: string, set: PinnedServer): void {
    this.file = { version: 1, servers: { ...this.file.servers, [server]: set } };
    writeFileAtomic(this.path, `${JSON.stringify(this.file, null, 2)}\n`);
  }
}
