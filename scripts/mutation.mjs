// `npm run mutation -- AREA`: StrykerJS on one security-critical area (scripts/mutation-areas.mjs).
// Not part of `npm test` (minutes per area). Prints Stryker's report, then as its LAST line:
//   mutation score: N% (killed K of M)
// where K counts killed and timed-out mutants, and M every valid mutant (killed, timed out,
// survived, not covered); mutants disabled with a `// Stryker disable` comment (equivalent
// mutants, justified in docs/TESTING.md) are not counted. `npm run mutation -- --list` lists
// the areas. Exit code 0 when Stryker ran, whatever the score; non-zero when it could not.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AREAS } from './mutation-areas.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--list' || name === '--help') {
  console.log('usage: npm run mutation -- AREA [stryker flags]; areas:');
  for (const [n, a] of Object.entries(AREAS)) console.log(`  ${n.padEnd(10)} ${a.what} (${a.mutate.length} files, ${a.tests.length} test files)`);
  process.exit(name ? 0 : 2);
}
const area = AREAS[name];
if (!area) {
  console.error(`unknown mutation area "${name}"; one of: ${Object.keys(AREAS).join(', ')}`);
  process.exit(2);
}
for (const f of [...area.mutate, ...area.tests]) {
  // A file may be listed with a line range (`file.ts:10-20`), as Stryker takes it.
  if (!fs.existsSync(path.join(root, f.replace(/:\d+(?::\d+)?-\d+(?::\d+)?$/, '')))) {
    console.error(`mutation area ${name} lists ${f}, which does not exist; update scripts/mutation-areas.mjs`);
    process.exit(2);
  }
}

const report = path.join(root, 'reports/mutation', `${name}.json`);
fs.rmSync(report, { force: true });
const stryker = path.join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
const r = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, KB_MUTATION_AREA: name },
});
if (r.status !== 0 || !fs.existsSync(report)) {
  console.error(`stryker failed (exit ${r.status ?? r.signal}); see the output above and stryker.log`);
  process.exit(r.status || 1);
}

const { files } = JSON.parse(fs.readFileSync(report, 'utf8'));
const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
const survivors = [];
for (const [file, { mutants }] of Object.entries(files)) {
  for (const m of mutants) {
    if (m.status in count) count[m.status]++;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      survivors.push(`${m.status.padEnd(10)} ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}${m.replacement !== undefined ? ` → ${JSON.stringify(m.replacement).slice(0, 80)}` : ''}`);
    }
  }
}
const killed = count.Killed + count.Timeout;
const total = killed + count.Survived + count.NoCoverage;
if (survivors.length) {
  console.log(`\nsurvivors (${survivors.length}):`);
  for (const s of survivors) console.log(`  ${s}`);
}
const score = total === 0 ? 100 : (100 * killed) / total;
console.log(`mutation score: ${Math.floor(score * 100) / 100}% (killed ${killed} of ${total})`);
