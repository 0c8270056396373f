// The whole test suite: build, type-check, lint, the assert-message check, then every test file
// under node's test runner (docs/DECISIONS.md: why node:test). Exit code is non-zero if any step fails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { buildAll } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const skipChecks = args.includes('--no-checks');

function run(label, cmd, cmdArgs) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${label} failed (exit ${r.status ?? r.signal}); fix the errors above and rerun 'npm test'`);
    process.exit(r.status || 1);
  }
}

function findTests(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Lint fixtures are inputs, not tests; fixtures with their own tests (the P6 fake) run.
      if (p.endsWith(path.join('test', 'fixtures', 'lint')) || entry.name === 'node_modules') continue;
      out.push(...findTests(p));
    } else if (entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

console.log('== build');
await buildAll({ quiet: true });

// vcsim (Go, on Debian's govmomi) is built here, once, before any test starts: a build takes
// minutes on a loaded machine and must never run inside a test's time limit (issue 12).
{
  const { vcsimBinary, vcsimIsBuilt } = await tsImport('../test/support/vcsim.ts', import.meta.url);
  if (vcsimIsBuilt()) console.log('== vcsim: already built (cached in .cache/vcsim)');
  else {
    console.log('== building vcsim (once; cached in .cache/vcsim)');
    try {
      await vcsimBinary();
    } catch (e) {
      console.error(`building vcsim failed: ${e.message}`);
      process.exit(1);
    }
  }
}
if (!skipChecks) {
  run('typecheck', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  // The renderer needs the DOM library, so it has its own tsconfig (issue 7).
  run('typecheck renderer', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.renderer.json', '--noEmit']);
  run('lint', process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', '.']);
  // Every assert/assert.ok in the tests says what broke (docs/TESTING.md); TypeScript's parser, ~1 s.
  run('assert messages', process.execPath, [path.join(root, 'scripts/check-assert-messages.mjs')]);
}

let files = findTests(path.join(root, 'test')).map((f) => path.relative(root, f)).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched; check the filter');
  process.exit(1);
}
const concurrency = String(Math.max(2, os.availableParallelism()));
// node:test applies --test-timeout to each FILE as a whole too (a file is one test of the
// parent run), so the bound is per file: 10 minutes, far above a file's honest run beside
// `stress --cpu 2` (vsphere-mcp.test.ts needed more than 180 s at a load of 30; issue 12). Hangs
// inside a test are named sooner by the waits' own guard (test/support/wait.ts, 150 s).
const FILE_TIMEOUT_MS = 600_000;
run('tests', process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${FILE_TIMEOUT_MS}`, '--test-reporter=spec', ...files]);
