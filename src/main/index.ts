// Entry point of the Electron main process: everything is built in app.ts.
import { runApp } from './app.js';

runApp().catch((e: unknown) => {
  // One line that says what to do next (STYLE.md §13); then exit non-zero.
  process.stderr.write(`[main ${process.pid}] KeyBroker could not start: ${(e as Error)?.message ?? String(e)}; run 'keybroker serve' in a terminal to see details\n`);
  process.exit(1);
});
