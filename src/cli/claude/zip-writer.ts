import zlib from 'node:zlib';

/** One file in a zip archive. */
export interface ZipEntry {
  /** Archive path with `/` separators, relative, no `..` (e.g. `server/bridge.cjs`). */
  readonly name: string;
  readonly data: Uint8Array;
  /** Unix permission bits recorded for extraction; default 0o644. */
  readonly mode?: number;
}

const MAX_32 = 0xffffffff;
const UTF8_NAMES = 0x0800;
const UNIX = 3;

/**
 * A zip archive (PKWARE APPNOTE 4.3: local headers, central directory, end record) of
 * `entries`, each deflated with node:zlib unless that would not make it smaller. No ZIP64,
 * no encryption, no data descriptors: an .mcpb holds a manifest and one small script, and
 * the plainest form is the one every reader (Claude Desktop, unzip, Python) accepts.
 * Why not a library: none is a dependency today and this is ~100 lines of built-ins
 * (docs/CLAUDE_DESKTOP.md).
 */
export function buildZip(entries: readonly ZipEntry[], mtime: Date): Buffer {
  if (entries.length > 0xffff) throw new Error(`zip: ${entries.length} entries need ZIP64, which this writer does not do`);
  const { time, date } = dosDateTime(mtime);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const entry of entries) {
    assertSafeName(entry.name, seen);
    const name = Buffer.from(entry.name, 'utf8');
    const raw = Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    const deflated = zlib.deflateRawSync(raw, { level: 9 });
    const stored = deflated.length >= raw.length;
    const body = stored ? raw : deflated;
    const method = stored ? 0 : 8;
    const needed = stored ? 10 : 20;
    const crc = zlib.crc32(raw);
    if (raw.length > MAX_32 || offset + 30 + name.length + body.length > MAX_32) throw new Error(`zip: ${entry.name} needs ZIP64, which this writer does not do`);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(needed, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((UNIX << 8) | 20, 4); // made by Unix, so readers apply the mode below.
    central.writeUInt16LE(needed, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0 (alloc zeroed).
    central.writeUInt32LE((((0o100000 | (entry.mode ?? 0o644)) << 16) >>> 0), 38); // regular file + permissions.
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** MS-DOS date and time, local time, 2-second resolution; zip cannot say anything before 1980. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Security: a name that climbs out (`../`, `/abs`, `C:`) would write outside the folder on extraction. */
function assertSafeName(name: string, seen: Set<string>): void {
  const bad = name === '' || name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.split('/').some((p) => p === '..' || p === '' || p === '.');
  if (bad) throw new Error(`zip: unsafe entry name "${name}"`);
  if (seen.has(name)) throw new Error(`zip: duplicate entry name "${name}"`);
  seen.add(name);
}
