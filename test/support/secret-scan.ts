import fs from 'node:fs';
import path from 'node:path';

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Where any of `secrets` appears: in a file under `dir`, in one of the `texts` (CLI output,
 * error messages), or in a live process's argv or environment. Empty means clean.
 */
export function findSecrets(secrets: readonly string[], where: { dirs?: string[]; texts?: Record<string, string>; pids?: number[] }): string[] {
  const hits: string[] = [];
  const check = (label: string, content: string) => {
    for (const s of secrets) if (s && content.includes(s)) hits.push(`${label} contains a secret (${s.slice(0, 3)}…)`);
  };
  for (const dir of where.dirs ?? []) for (const f of filesUnder(dir)) check(f, fs.readFileSync(f, 'latin1'));
  for (const [label, text] of Object.entries(where.texts ?? {})) check(label, text);
  for (const pid of where.pids ?? []) {
    // /proc/<pid>/environ and cmdline are NUL-separated; a secret is found as a substring.
    check(`pid ${pid} environ`, fs.readFileSync(`/proc/${pid}/environ`, 'latin1'));
    check(`pid ${pid} cmdline`, fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1'));
  }
  return hits;
}
