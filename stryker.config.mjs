// StrykerJS configuration for `npm run mutation -- AREA` (scripts/mutation.mjs sets
// KB_MUTATION_AREA; the areas are in scripts/mutation-areas.mjs). docs/DECISIONS.md says why
// the TAP runner: each node:test file runs as its own process under tsx, and Stryker's
// per-test coverage then runs only the test files that reach a mutant.
import { AREAS } from './scripts/mutation-areas.mjs';

const name = process.env['KB_MUTATION_AREA'] ?? '';
const area = AREAS[name];
if (!area) throw new Error(`unknown mutation area "${name}"; one of: ${Object.keys(AREAS).join(', ')}`);
// KB_MUTATION_TESTS (comma-separated path substrings): run only the area's test files that match,
// for a `--mutate` run of one file whose module-level (static) mutants would otherwise run every
// test file of the area each (round 13: password-envelope.ts). Survivors are then planted back
// against the whole area's list before they are called survivors.
const only = process.env['KB_MUTATION_TESTS']?.split(',').filter(Boolean);
const testFiles = only ? area.tests.filter((t) => only.some((o) => t.includes(o))) : area.tests;
if (testFiles.length === 0) throw new Error(`KB_MUTATION_TESTS matches none of area ${name}'s test files`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles,
    nodeArgs: ['--test-reporter=tap', '--import', 'tsx', '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  mutate: area.mutate,
  coverageAnalysis: 'perTest',
  // Reuses the results of unchanged mutants and tests between runs of the same area.
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // Two cores, shared: never more than two test processes at once.
  concurrency: Number(process.env['KB_MUTATION_CONCURRENCY'] ?? 2),
  timeoutMS: 15_000,
  timeoutFactor: 3,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // The sandbox needs the sources, the tests and the configs tsx reads; not the build, docs or caches.
  ignorePatterns: ['dist', 'docs', 'assets', 'bench', '.cache', 'reports', 'release', 'release-test', 'test-results', '*.log'],
  thresholds: { high: 90, low: 80, break: null },
};
