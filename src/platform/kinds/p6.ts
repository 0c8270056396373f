import { p6Kind } from '../../base/kinds/p6.js';
import { P6UpstreamLogin } from '../broker/logins/p6-upstream-login.js';
import { builtInServer } from './built-in-server.js';
import type { KindModule } from './kind-module.js';
import { P6_SERVER_FLAGS } from './server-flags.js';

/** P6's Node half: the REST cookie login and the `dist/mcp/p6` server. */
export const p6Module: KindModule = {
  descriptor: p6Kind,
  createLogin: () => new P6UpstreamLogin(),
  // glibc raises its mmap threshold each time a large block is freed, so the child's per-page
  // buffers (P6 bodies, the JSON-RPC message and its UTF-8 copy, 1–2 MB each) end up in the
  // heap arena and stay resident after the page. A fixed 128 KiB threshold (glibc's own
  // default start) maps them and returns them on free: the child's peak over a
  // 50,000-activity walk stays at its first page's instead of growing 5–15 MiB (issue 17
  // item 4, docs/PERFORMANCE.md §3). No effect outside glibc (macOS ignores it).
  // The child's V8 flags are in ./server-flags.ts (the build makes its code cache with them).
  server: builtInServer(p6Kind.id, P6_SERVER_FLAGS, { MALLOC_MMAP_THRESHOLD_: '131072' }),
};
