// Entry point of the `keybroker` command (bundled to dist/cli/index.js).
// `keybroker status` runs from its own one-file bundle, dist/cli/status-main.js
// (scripts/build.mjs): it loads one file instead of the ~20 chunks of the code-split CLI, and
// nothing of the other commands (issue 17 item 6, docs/PERFORMANCE.md §1). Every other
// command goes through runCli, which imports the command's chunks on first use.
if (process.argv[2] === 'status') {
  await import('./status-main.js');
} else {
  const [{ runProcess }, { runCli }] = await Promise.all([import('./run-process.js'), import('./main.js')]);
  await runProcess(runCli);
}
export {};
