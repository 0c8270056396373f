// StrykerJS configuration for `npm run mutation -- AREA` (scripts/mutation.mjs sets
// KB_MUTATION_AREA; the areas are in scripts/mutation-areas.mjs). docs/DECISIONS.md says why
// the TAP runner: each node:test file runs as its own process under tsx, and Stryker's
// per-test coverage then runs only the test files that reach a mutant.
import { AREAS } from './scripts/mutation-areas.mjs';

const name = process.env['KB_MUTATION_AREA'] ?? '';
const area = AREAS[name];
if (!area) throw new Error(`unknown mutation area "${name}"; one of: ${Object.keys(AREAS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles: area.tests,
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
