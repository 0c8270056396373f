// Entry point of `keybroker bridge SERVER` (bundled to dist/cli/bridge.js), what Claude
// Desktop runs. bin/keybroker.js loads this file instead of the full CLI, and its import
// graph is Node built-ins only (test/cli/bridge.test.ts checks the bundle), so it starts in
// about the time of a bare `node` (bench/bridge-start). No top-level await, so the same file
// also bundles as CommonJS (the benchmark measures that variant too).
import { runBridge } from './bridge/run-bridge.js';

void runBridge({ argv: process.argv.slice(2), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  // Exit only once the last answers are flushed: stdout may be an asynchronous pipe.
  process.stdout.write('', () => process.exit(code));
});
