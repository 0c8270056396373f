// `npm run bench:<name>`: run bench/<name>/index.ts under tsx. Benchmarks print figures and
// ratios against their peers; they never fail on a timing (these machines are noisy).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/bench.mjs <name> [...]; names are the folders under bench/');
  process.exit(2);
}
await buildAll({ quiet: true });
for (const name of names) {
  const entry = path.join(root, 'bench', name, 'index.ts');
  if (!fs.existsSync(entry)) {
    console.error(`no benchmark bench/${name}; see the folders under bench/`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
