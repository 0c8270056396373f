import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../platform/fs/atomic-write.js';
import { buildMcpb } from '../claude/build-mcpb.js';
import { findKeybrokerInstall } from '../claude/package-root.js';
import { parseServers } from '../claude/parse-servers.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext } from '../command.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { nowOf } from '../services.js';

/** Usage of `claude mcpb`. */
export const CLAUDE_MCPB_USAGE = 'keybroker claude mcpb OUT [--server vsphere|p6]... [--bridge FILE] [--json]';

/** One bundle written by `claude mcpb`, as `--json` prints it. */
export interface McpbBuilt {
  readonly server: string;
  readonly file: string;
  readonly bytes: number;
}

/**
 * `keybroker claude mcpb OUT`: one Claude Desktop extension per server (an MCPB manifest
 * names exactly one server). OUT is the bundle file when it ends in `.mcpb` and one server
 * is chosen; otherwise a folder that receives `keybroker-<server>.mcpb` for each server.
 * `--bridge` packs another build of the bridge instead of this installation's dist/.
 */
export async function runClaudeMcpb(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { server: { type: 'string', multiple: true }, bridge: { type: 'string' }, json: { type: 'boolean' } },
    CLAUDE_MCPB_USAGE,
  );
  const [out = ''] = takePositionals(positionals, ['OUT'], CLAUDE_MCPB_USAGE);
  const servers = parseServers(values.server, CLAUDE_MCPB_USAGE);
  const outPath = path.resolve(out);
  const asFile = /\.mcpb$/i.test(outPath) && !isDirectory(outPath);
  if (asFile && servers.length !== 1) {
    throw usageError(`${out} names one bundle but ${servers.length} servers were chosen; add one --server, or give a folder; usage: ${CLAUDE_MCPB_USAGE}`);
  }

  const install = findKeybrokerInstall();
  const bridgeFile = values.bridge === undefined ? install.bridge : path.resolve(values.bridge);
  const bridge = readBridge(bridgeFile, values.bridge === undefined ? `run 'npm run build' in ${install.root}, then retry` : 'check the --bridge path');
  const icon = fs.existsSync(install.icon) ? fs.readFileSync(install.icon) : undefined;
  if (ctx.env['KEYBROKER_HOME']) {
    // A bundle is meant to be portable, so it never pins a home; say so rather than surprise.
    ctx.stderr.write(`keybroker claude: note: the bundle's bridge uses the default KeyBroker home, not KEYBROKER_HOME=${ctx.env['KEYBROKER_HOME']}; use 'keybroker claude install' to pin a home\n`);
  }

  const mtime = new Date(nowOf(ctx));
  const built: McpbBuilt[] = [];
  for (const server of servers) {
    const file = asFile ? outPath : path.join(outPath, `keybroker-${server}.mcpb`);
    const bytes = buildMcpb({ server, version: install.version, bridge, ...(icon ? { icon } : {}), mtime });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // A bundle is no secret (it holds no credential), so it is readable like any download.
    writeFileAtomic(file, bytes, 0o644);
    built.push({ server, file, bytes: bytes.length });
  }
  ctx.stdout.write(
    values.json
      ? JSON.stringify({ bundles: built }, null, 2) + '\n'
      : built.map((b) => `wrote ${b.file} (${b.server}, ${b.bytes} bytes)`).join('\n') +
          "\nOpen a bundle with Claude Desktop (double-click it, or Settings > Extensions) to install it; KeyBroker must be running for its tools to work.\n",
  );
  return 0;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readBridge(file: string, next: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `the bridge build ${file} does not exist; ${next}` : `cannot read the bridge build ${file} (${code ?? (e as Error).message}); ${next}`);
  }
}
