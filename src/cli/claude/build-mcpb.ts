import type { EndpointKind } from '../../base/contracts/names.js';
import { MCPB_BRIDGE_ENTRY, MCPB_ICON, mcpbManifest } from './mcpb-manifest.js';
import { buildZip, type ZipEntry } from './zip-writer.js';

/** Everything one bundle is made of. */
export interface McpbInput {
  readonly server: EndpointKind;
  /** Bundle version: KeyBroker's package version. */
  readonly version: string;
  /** The built bridge (dist/cli/bridge.cjs), copied byte for byte. */
  readonly bridge: Uint8Array;
  /** A PNG icon, if the installation has one. */
  readonly icon?: Uint8Array;
  /** File times inside the archive. */
  readonly mtime: Date;
}

/**
 * The `.mcpb` bytes for `input.server`: a zip with manifest.json at the root, the bridge
 * under server/, and the icon. The bridge uses Node built-ins only, so no node_modules
 * is needed and the bundle is self-contained.
 */
export function buildMcpb(input: McpbInput): Buffer {
  const manifest = mcpbManifest(input.server, input.version, input.icon !== undefined);
  const entries: ZipEntry[] = [
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8') },
    { name: MCPB_BRIDGE_ENTRY, data: input.bridge },
  ];
  if (input.icon) entries.push({ name: MCPB_ICON, data: input.icon });
  return buildZip(entries, input.mtime);
}
