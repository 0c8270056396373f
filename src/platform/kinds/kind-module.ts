import type { KindDescriptor } from '../../base/kinds/kind-descriptor.js';
import type { UpstreamLogin } from '../broker/upstream-login.js';

/**
 * The MCP server a kind brings: the child the host runs for its endpoints. Clients address it
 * by the kind's id (`keybroker bridge <id>`), always: config.json reserves the kind ids as
 * server names and policy's bare `allow` entries match the kinds' servers by id (D71).
 */
export interface KindServer {
  /**
   * Absolute path of the server's entry module, given the folder the host was built into
   * (`dist/`); undefined when it is not there (a built-in server not yet built is simply
   * absent, and the bridge says so).
   */
  modulePath(distDir: string): string | undefined;
  /**
   * Every file the server reads of its own, given the same `dist/` folder: the sandbox makes
   * exactly these readable (none of the package around them, D182). Absent: the
   * module's whole package, and a `node_modules` around it, are readable (a module that loads
   * packages at run time).
   */
  reads?(distDir: string): readonly string[];
  /** Runtime flags, e.g. `["--import", "tsx"]` for a TypeScript module (tests). */
  readonly execArgv?: readonly string[];
  /**
   * Fixed variables added to the child's allow-listed environment, e.g. glibc's malloc
   * tunables measured for that server (docs/PERFORMANCE.md). Constants in code only:
   * Security: never a secret, never a value taken from the user's environment.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The Node half of an upstream kind (issue 13 item 1): how the broker logs in to it and
 * which MCP server serves it. The data half is its `descriptor` (base/kinds/). Built-in
 * modules are in this folder; a kind from outside `src/` passes its own to
 * `registerKindModule` (./registry.ts) before `composeHost` runs.
 */
export interface KindModule {
  readonly descriptor: KindDescriptor;
  /** A fresh login adapter (wraps `connectors/<kind>/session`; see UpstreamLogin). */
  createLogin(): UpstreamLogin;
  /** The kind's MCP server; absent for a kind served only by `servers` in config.json. */
  readonly server?: KindServer;
}
