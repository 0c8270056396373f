// Run by scripts/build.mjs (`node scripts/status-code-cache.mjs status`, in an empty
// KEYBROKER_HOME): runs `keybroker status` once through the status loader, which saves V8's
// code cache of dist/cli/status.cjs to KB_STATUS_CACHE_OUT at exit (src/cli/status-loader.ts).
import { runStatusBundle } from '../dist/cli/status-loader.js';

const out = process.env.KB_STATUS_CACHE_OUT;
if (!out) {
  console.error('usage: KB_STATUS_CACHE_OUT=FILE KEYBROKER_HOME=DIR node scripts/status-code-cache.mjs status');
  process.exit(2);
}
runStatusBundle({ writeCacheTo: out });
