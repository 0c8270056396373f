import { vsphereKind } from '../../base/kinds/vsphere.js';
import { VsphereUpstreamLogin } from '../broker/logins/vsphere-upstream-login.js';
import { builtInServer } from './built-in-server.js';
import type { KindModule } from './kind-module.js';
import { VSPHERE_SERVER_FLAGS } from './server-flags.js';

/** vSphere's Node half: the vim25 (and vAPI) login and the `dist/mcp/vsphere` server. */
export const vsphereModule: KindModule = {
  descriptor: vsphereKind,
  createLogin: () => new VsphereUpstreamLogin(),
  // The child's V8 flags (./server-flags.ts says why; the build makes the child's code cache
  // with the same flags).
  server: builtInServer(vsphereKind.id, VSPHERE_SERVER_FLAGS),
};
