import { vsphereKind } from '../../base/kinds/vsphere.js';
import { VsphereUpstreamLogin } from '../broker/logins/vsphere-upstream-login.js';
import { builtInServer } from './built-in-server.js';
import type { KindModule } from './kind-module.js';

/** vSphere's Node half: the vim25 (and vAPI) login and the `dist/mcp/vsphere` server. */
export const vsphereModule: KindModule = {
  descriptor: vsphereKind,
  createLogin: () => new VsphereUpstreamLogin(),
  // V8's young generation defaults to 16 MiB semi-spaces, sized for throughput; a child that
  // turns a 5,000-VM inventory into rows grows it to the maximum and keeps it. With 2 MiB its
  // peak RSS after the walk measured 125–134 MiB instead of 156–164 MiB, walk times within
  // the noise (issue 17, docs/PERFORMANCE.md). The old generation is not capped.
  server: builtInServer(vsphereKind.id, ['--max-semi-space-size=2']),
};
