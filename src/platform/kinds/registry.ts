// The Node half of the kind registry (issue 13 item 1; base/kinds/registry.ts holds the data
// half). composeHost (platform/host/compose-host.ts) builds logins and server specs from it.
import { BugError } from '../../base/errors/core-error.js';
import { DisposableStore, toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import { BUILT_IN_KINDS, findKind, registerKind, type EndpointKind } from '../../base/kinds/registry.js';
import type { KindModule } from './kind-module.js';
import { p6Module } from './p6.js';
import { vsphereModule } from './vsphere.js';

/**
 * The Node half of every built-in kind. `satisfies` makes the compiler refuse a built-in
 * descriptor (base/kinds/registry.ts BUILT_IN_KINDS) without its module, and vice versa.
 */
const BUILT_IN_MODULES = { vsphere: vsphereModule, p6: p6Module } satisfies Record<EndpointKind, KindModule>;

const modules = new Map<string, KindModule>(BUILT_IN_KINDS.map((k) => [k.id, BUILT_IN_MODULES[k.id]]));

/**
 * Add a kind's Node half at start-up: before `composeHost` (and before any config.json that
 * names the kind is loaded). Also registers `module.descriptor` with the base registry
 * unless that very descriptor is registered already. Code outside `src/` brings a kind
 * this way, e.g. a test fixture:
 *
 * ```ts
 * const registration = registerKindModule({ descriptor: demoKind, createLogin: () => new DemoLogin(),
 *   server: { modulePath: () => fileURLToPath(new URL('./demo-server.ts', import.meta.url)), execArgv: ['--import', 'tsx'] } });
 * const { logins, servers } = composeHost(config, distDir);
 * // ... and registration.dispose() when the test ends
 * ```
 *
 * Throws a BugError when a module for the kind is registered already, or when another
 * descriptor with the same id is. Returns a Disposable that removes both halves again.
 */
export function registerKindModule(module: KindModule): Disposable {
  const { id } = module.descriptor;
  if (modules.has(id)) throw new BugError(`kind module ${id} is registered already; register each kind once, at start-up`);
  const owned = new DisposableStore();
  const known = findKind(id);
  if (known === undefined) owned.add(registerKind(module.descriptor));
  else if (known !== module.descriptor) throw new BugError(`kind ${id} is registered with another descriptor; pass the same descriptor to registerKindModule`);
  modules.set(id, module);
  owned.add(toDisposable(() => {
    if (modules.get(id) === module) modules.delete(id);
  }));
  return owned;
}

/** Every registered kind module: the built-in ones first, then the registered ones, in order. */
export function kindModules(): readonly KindModule[] {
  return [...modules.values()];
}

/** The module of kind `id`; a BugError names the missing registration. */
export function kindModuleOf(id: string): KindModule {
  const m = modules.get(id);
  if (!m) throw new BugError(`no kind module ${JSON.stringify(id)} is registered; call registerKindModule before composing the host`);
  return m;
}
