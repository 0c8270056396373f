import type { EndpointKind } from '../../base/contracts/names.js';

/** One MCP server the host runs as a supervised child. */
export interface ServerSpec {
  /** The name clients address (`vsphere`); also the child's log prefix and audit `server`. */
  readonly name: string;
  /** Which endpoints the child may get tokens for (DESIGN.md "Scope"). */
  readonly kind: EndpointKind;
  /** Absolute path of the built entry module (`dist/mcp/vsphere/index.cjs`). */
  readonly modulePath: string;
  /**
   * Every file the child reads of its own (built-in servers: their three files in
   * `dist/mcp/<name>`). When given, the sandbox lets the child read exactly these, not the
   * module's package nor a `node_modules` around it (D182).
   */
  readonly reads?: readonly string[];
  readonly args?: readonly string[];
  readonly execArgv?: readonly string[];
  /**
   * A server config.json's `servers` added, not a built-in one (C7-firstuse): the broker asks
   * the person before such a server's first session of an unlock. Set only by serverSpecs.
   */
  readonly fromConfig?: boolean;
  /** Fixed variables added to the allow-listed environment (a kind's tunables; never a secret). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The command line a person is shown for `spec`: `node [execArgv…] MODULE`. */
export function serverCommand(spec: Pick<ServerSpec, 'modulePath' | 'execArgv' | 'args'>): string {
  return ['node', ...(spec.execArgv ?? []), spec.modulePath, ...(spec.args ?? [])].join(' ');
}
