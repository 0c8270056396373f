import { kindOf, type EndpointKind } from '../../base/kinds/registry.js';

/**
 * The MCPB manifest version we write. 0.3 is the current stable spec (MANIFEST.md in
 * modelcontextprotocol/mcpb, formerly anthropics/mcpb and before that DXT); 0.4 only adds
 * the experimental `uv` server type, which a Node bridge has no use for.
 */
export const MCPB_MANIFEST_VERSION = '0.3';

/**
 * Where the bridge sits inside the bundle. The bridge is a CommonJS bundle (it starts faster
 * than ESM, scripts/build.mjs), and `.cjs` makes every Node Claude Desktop may ship load it as
 * CommonJS, with no package.json in the .mcpb and no guessing the module kind from syntax.
 */
export const MCPB_BRIDGE_ENTRY = 'server/bridge.cjs';

/** Where the optional icon sits inside the bundle. */
export const MCPB_ICON = 'icon.png';

/** The subset of the MCPB 0.3 manifest that KeyBroker's bundles use. */
export interface McpbManifest {
  readonly manifest_version: typeof MCPB_MANIFEST_VERSION;
  readonly name: string;
  readonly display_name: string;
  readonly version: string;
  readonly description: string;
  readonly long_description: string;
  readonly author: { readonly name: string; readonly url?: string };
  readonly icon?: string;
  readonly server: {
    readonly type: 'node';
    readonly entry_point: string;
    readonly mcp_config: { readonly command: 'node'; readonly args: readonly string[] };
  };
  readonly tools_generated: boolean;
  readonly keywords: readonly string[];
  readonly license: string;
  readonly compatibility: {
    readonly platforms: ReadonlyArray<'darwin' | 'win32' | 'linux'>;
    readonly runtimes: { readonly node: string };
  };
}

/**
 * The manifest of the bundle for `server`. One server per bundle because an MCPB manifest
 * describes exactly one `server`. Claude Desktop substitutes `${__dirname}` with the
 * unpacked extension folder and runs `command: "node"` with its built-in Node, so the
 * user needs no Node install. Tools are not listed: the host decides them at run time (a
 * read-only endpoint hides destructive ones), hence `tools_generated`. No `user_config`:
 * the bridge holds no secret and needs no setting; credentials stay in KeyBroker.
 */
export function mcpbManifest(server: EndpointKind, version: string, withIcon: boolean): McpbManifest {
  // The names and search words come from the kind's descriptor (base/kinds/).
  const kind = kindOf(server);
  const t = { display: `KeyBroker ${kind.title}`, system: kind.system, keywords: [...kind.keywords] };
  return {
    manifest_version: MCPB_MANIFEST_VERSION,
    name: `keybroker-${server}`,
    display_name: t.display,
    version,
    description: `${t.system} tools through KeyBroker: passwords stay in the OS keychain, risky calls wait for your approval.`,
    long_description: [
      `Connects Claude Desktop to the ${t.system} MCP server hosted by **KeyBroker**, which must be running on this computer (the menu-bar app, or \`keybroker serve\`).`,
      '',
      'This extension is only a bridge: it holds no credentials and talks to nothing but the local KeyBroker socket. KeyBroker keeps the passwords in the OS keychain, asks before unlocking them, logs in itself, and audits every tool call. If KeyBroker is not running, tool calls fail with a message saying so.',
    ].join('\n'),
    author: { name: 'KeyBroker' },
    ...(withIcon ? { icon: MCPB_ICON } : {}),
    server: {
      type: 'node',
      entry_point: MCPB_BRIDGE_ENTRY,
      mcp_config: { command: 'node', args: [`\${__dirname}/${MCPB_BRIDGE_ENTRY}`, server] },
    },
    tools_generated: true,
    keywords: ['keybroker', 'mcp', ...t.keywords],
    license: 'MIT',
    // The bridge is built for node20 (scripts/build.mjs) and uses Unix sockets or Windows named pipes.
    compatibility: { platforms: ['darwin', 'win32', 'linux'], runtimes: { node: '>=20.0.0' } },
  };
}
