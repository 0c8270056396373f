// Entry point of `keybroker bridge SERVER`, what Claude Desktop runs. Bundled as CommonJS to
// dist/cli/bridge.cjs (scripts/build.mjs): Claude Desktop starts that file directly
// (`claude install`, the .mcpb bundles), and bin/keybroker.js requires it instead of the full
// CLI. Its import graph is Node built-ins only (test/cli/bridge.test.ts checks the bundle) and
// CommonJS skips the ESM loader's ~4 ms, so it starts in about the time of a bare `node`
// (bench/bridge-start). Keep it CommonJS-safe: no top-level await, no import.meta.
import { runBridge } from './bridge/run-bridge.js';

void runBridge({ argv: process.argv.slice(2), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  // Exit only once the last answers are flushed: stdout may be an asynchronous pipe.
  process.stdout.write('', () => process.exit(code));
});
