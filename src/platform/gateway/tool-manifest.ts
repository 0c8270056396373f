import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ToolSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerSpec } from '../supervisor/server-spec.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

/** What a server's child said about itself the last time it ran: enough to answer `tools/list` and `initialize`. */
export interface ToolManifest {
  readonly tools: readonly Tool[];
  readonly instructions?: string;
}

const Entry = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  tools: z.array(ToolSchema).max(10_000),
  instructions: z.string().max(4096).optional(),
});
const ManifestFile = z.object({ version: z.literal(1), servers: z.record(z.string(), Entry) });
type ManifestFile = z.infer<typeof ManifestFile>;

/**
 * The key a manifest is kept under: SHA-256 over the server's spec (kind, module, arguments,
 * runtime flags) and the bytes of its entry module (the bundle), so a changed server, or a
 * new build of it, is never answered from an old list. Undefined when the module cannot be read.
 */
export function manifestKey(spec: ServerSpec): string | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(spec.modulePath);
  } catch {
    return undefined;
  }
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify({ kind: spec.kind, modulePath: spec.modulePath, args: spec.args ?? [], execArgv: spec.execArgv ?? [] }));
  h.update('\0');
  h.update(bytes);
  return h.digest('hex');
}

/**
 * `<home>/tool-manifest.json` (0600, written atomically): per server, the tool list and
 * instructions its child last answered with, under the key of its spec and bundle (issue 17
 * item 5). The gateway answers `tools/list` from it while the child is idle. It is a cache,
 * not a trust decision: every call still goes to a live child whose tools are checked against
 * the pins (issue 14), so a changed definition still asks before it runs. A file that cannot
 * be read or does not parse counts as empty (the child is started to list its tools).
 */
export class ToolManifests {
  readonly file: string;

  constructor(home: string) {
    this.file = path.join(home, 'tool-manifest.json');
  }

  /** The manifest of `server` kept under `key`, or undefined. */
  read(server: string, key: string | undefined): ToolManifest | undefined {
    if (key === undefined) return undefined;
    const servers = this.load()?.servers;
    const entry = servers && Object.hasOwn(servers, server) ? servers[server] : undefined;
    if (!entry || entry.key !== key) return undefined;
    return { tools: entry.tools as Tool[], ...(entry.instructions !== undefined && { instructions: entry.instructions }) };
  }

  /** Keep what `server`'s child answered, under `key`; other servers' entries stay. */
  write(server: string, key: string | undefined, manifest: ToolManifest): void {
    if (key === undefined) return;
    const file: ManifestFile = this.load() ?? { version: 1, servers: {} };
    file.servers[server] = { key, tools: [...manifest.tools], ...(manifest.instructions !== undefined && { instructions: manifest.instructions.slice(0, 4096) }) };
    writeFileAtomic(this.file, JSON.stringify(file) + '\n');
  }

  private load(): ManifestFile | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = ManifestFile.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
