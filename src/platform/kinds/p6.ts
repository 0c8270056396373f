import { p6Kind } from '../../base/kinds/p6.js';
import { P6UpstreamLogin } from '../broker/logins/p6-upstream-login.js';
import { builtInServer } from './built-in-server.js';
import type { KindModule } from './kind-module.js';

/** P6's Node half: the REST cookie login and the `dist/mcp/p6` server. */
export const p6Module: KindModule = {
  descriptor: p6Kind,
  createLogin: () => new P6UpstreamLogin(),
  server: builtInServer(p6Kind.id),
};
