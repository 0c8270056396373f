import { z } from 'zod';

// The MCPB manifest 0.3 schema, transcribed by hand from the upstream zod schema
// (modelcontextprotocol/mcpb, formerly anthropics/mcpb: src/schemas/0.3.ts, and MANIFEST.md
// "Current version: 0.3"). Kept separate from src/ on purpose: validating our output with
// our own types would prove nothing. Strict objects, as upstream: an unknown key fails.

const McpServerConfig = z.strictObject({
  command: z.string(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});

const UserConfigOption = z.strictObject({
  type: z.enum(['string', 'number', 'boolean', 'directory', 'file']),
  title: z.string(),
  description: z.string(),
  required: z.boolean().optional(),
  default: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(),
  multiple: z.boolean().optional(),
  sensitive: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

/** A manifest.json that MCPB 0.3 clients (Claude Desktop) accept. */
export const McpbManifestV03 = z.strictObject({
  $schema: z.string().optional(),
  dxt_version: z.literal('0.3').optional(),
  manifest_version: z.literal('0.3').optional(),
  name: z.string(),
  display_name: z.string().optional(),
  version: z.string(),
  description: z.string(),
  long_description: z.string().optional(),
  author: z.strictObject({ name: z.string(), email: z.email().optional(), url: z.url().optional() }),
  repository: z.strictObject({ type: z.string(), url: z.url() }).optional(),
  homepage: z.url().optional(),
  documentation: z.url().optional(),
  support: z.url().optional(),
  icon: z.string().optional(),
  icons: z.array(z.strictObject({ src: z.string(), size: z.string().regex(/^\d+x\d+$/), theme: z.string().min(1).optional() })).optional(),
  screenshots: z.array(z.string()).optional(),
  localization: z.strictObject({ resources: z.string().regex(/\$\{locale\}/i), default_locale: z.string() }).optional(),
  server: z.strictObject({
    type: z.enum(['python', 'node', 'binary']),
    entry_point: z.string(),
    mcp_config: McpServerConfig.extend({ platform_overrides: z.record(z.string(), McpServerConfig.partial()).optional() }),
  }),
  tools: z.array(z.strictObject({ name: z.string(), description: z.string().optional() })).optional(),
  tools_generated: z.boolean().optional(),
  prompts: z.array(z.strictObject({ name: z.string(), description: z.string().optional(), arguments: z.array(z.string()).optional(), text: z.string() })).optional(),
  prompts_generated: z.boolean().optional(),
  keywords: z.array(z.string()).optional(),
  license: z.string().optional(),
  privacy_policies: z.array(z.url()).optional(),
  compatibility: z.strictObject({
    claude_desktop: z.string().optional(),
    platforms: z.array(z.enum(['darwin', 'win32', 'linux'])).optional(),
    runtimes: z.strictObject({ python: z.string().optional(), node: z.string().optional() }).optional(),
  }).optional(),
  user_config: z.record(z.string(), UserConfigOption).optional(),
  _meta: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
}).refine((m) => m.manifest_version !== undefined || m.dxt_version !== undefined, 'manifest_version is required');
