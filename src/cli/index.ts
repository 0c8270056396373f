// Entry point of the `keybroker` command (bundled to dist/cli/index.js).
// `keybroker status` runs from its own one-file bundle through V8's code cache
// (src/cli/status-loader.ts, dist/cli/status.cjs): it loads one file, compiled ahead, instead
// of the ~20 chunks of the code-split CLI (issue 17 item 6, docs/PERFORMANCE.md §1). Every
// other command goes through runCli, which imports the command's chunks on first use.
// From the source tree (tsx) there is no status bundle: status then goes through runCli too.
const ranStatusBundle = process.argv[2] === 'status' && (await import('./status-loader.js')).runStatusBundle();
if (!ranStatusBundle) {
  const [{ runProcess }, { runCli }] = await Promise.all([import('./run-process.js'), import('./main.js')]);
  await runProcess(runCli);
}
export {};
