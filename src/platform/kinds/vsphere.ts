import { vsphereKind } from '../../base/kinds/vsphere.js';
import { VsphereUpstreamLogin } from '../broker/logins/vsphere-upstream-login.js';
import { builtInServer } from './built-in-server.js';
import type { KindModule } from './kind-module.js';

/** vSphere's Node half: the vim25 (and vAPI) login and the `dist/mcp/vsphere` server. */
export const vsphereModule: KindModule = {
  descriptor: vsphereKind,
  createLogin: () => new VsphereUpstreamLogin(),
  server: builtInServer(vsphereKind.id),
};
