import { spawnSync } from 'node:child_process';

/** One member as Python's zipfile sees it. */
export interface PyZipMember {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly compressType: number;
  /** 3 = Unix. */
  readonly createSystem: number;
  readonly mode: number;
  readonly dateTime: number[];
  readonly data: Buffer;
}

const SCRIPT = `
import base64, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    out = {"bad": bad, "members": [
        {"name": i.filename, "compressType": i.compress_type, "createSystem": i.create_system,
         "mode": i.external_attr >> 16, "dateTime": list(i.date_time),
         "data": base64.b64encode(z.read(i.filename)).decode()}
        for i in z.infolist()]}
print(json.dumps(out))
`;

/**
 * Read `file` with Python's zipfile, an implementation independent of ours: it checks every
 * CRC (`testzip`) and inflates every member. Fails the test, with the reason, when python3
 * is missing or the archive is unreadable.
 */
export function readZipWithPython(file: string): PyZipMember[] {
  const r = spawnSync('python3', ['-c', SCRIPT, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`python3 is needed to cross-check the zip (${r.error.message}); install python3`);
  if (r.status !== 0) throw new Error(`python3 zipfile rejected ${file}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { bad: string | null; members: Array<Omit<PyZipMember, 'data'> & { data: string }> };
  if (out.bad !== null) throw new Error(`python3 zipfile: bad CRC in ${out.bad}`);
  return out.members.map((m) => ({ ...m, data: Buffer.from(m.data, 'base64') }));
}
