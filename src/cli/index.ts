// Entry point of the `keybroker` command (bundled to dist/cli/index.js).
import { runCli } from './main.js';

const stop = new AbortController();
let firstSignalAt = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // A second Ctrl-C means "now": skip the graceful path. One arriving within a second of
    // the first is the same keypress delivered twice (terminal group + a wrapper like npm).
    if (firstSignalAt && Date.now() - firstSignalAt > 1000) process.exit(130);
    firstSignalAt ||= Date.now();
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
