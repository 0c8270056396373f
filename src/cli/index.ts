// Entry point of the `keybroker` command (bundled to dist/cli/index.js).
import { runCli } from './main.js';

const stop = new AbortController();
let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // A second Ctrl-C means "now": skip the graceful path.
    if (++signals > 1) process.exit(130);
    stop.abort();
  });
}

const code = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stopSignal: stop.signal,
});
process.exitCode = code;
