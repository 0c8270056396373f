import type { Config } from '../../base/contracts/config.js';
import type { EndpointKind } from '../../base/kinds/registry.js';
import type { UpstreamLogin } from '../broker/upstream-login.js';
import { kindModules } from '../kinds/registry.js';
import type { ServerSpec } from '../supervisor/server-spec.js';
import { serverSpecs } from './server-specs.js';

/** What `Host.start` needs from the kinds: a login per kind and the servers to run. */
export interface HostComposition {
  /** One login adapter per registered kind. */
  readonly logins: Readonly<Record<EndpointKind, UpstreamLogin>>;
  /** The kinds' servers present in `distDir`, then config.json's extra `servers`. */
  readonly servers: ServerSpec[];
}

/**
 * One login adapter per registered kind module (platform/kinds/registry.ts). Typed as a
 * record over the built-in kinds; at run time it also holds every kind registered with
 * `registerKindModule`, which is what the broker looks endpoints' kinds up in.
 */
export function hostLogins(): Readonly<Record<EndpointKind, UpstreamLogin>> {
  return Object.fromEntries(kindModules().map((m) => [m.descriptor.id, m.createLogin()])) as Record<EndpointKind, UpstreamLogin>;
}

/**
 * The host's kind-dependent parts, built from the registry (issue 13 item 2). The only
 * place they are composed: the Electron app (main/app.ts) and `keybroker serve` both call
 * this, and a kind registered with `registerKindModule` before the call is part of both.
 */
export function composeHost(config: Config, distDir: string): HostComposition {
  return { logins: hostLogins(), servers: serverSpecs(config, distDir) };
}
