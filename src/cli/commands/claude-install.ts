import fs from 'node:fs';
import path from 'node:path';
import type { EndpointKind } from '../../base/contracts/names.js';
import { writeFileAtomic } from '../../platform/fs/atomic-write.js';
import { bridgeEntry, type ClaudeServerEntry } from '../claude/bridge-entry.js';
import { claudeDesktopConfigPath } from '../claude/claude-config-path.js';
import { mergeClaudeConfig, type ClaudeInstallChange } from '../claude/merge-claude-config.js';
import { findKeybrokerInstall } from '../claude/package-root.js';
import { parseServers } from '../claude/parse-servers.js';
import { writeBackup } from '../claude/write-backup.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../command.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { nowOf } from '../services.js';

/** Usage of `claude install`. */
export const CLAUDE_INSTALL_USAGE = 'keybroker claude install [--config PATH] [--server vsphere|p6]... [--force] [--dry-run] [--json]';

/** What `claude install --json` prints. `backup` is null when nothing was backed up. */
export interface ClaudeInstallReport {
  readonly config: string;
  readonly backup: string | null;
  readonly changes: readonly ClaudeInstallChange[];
}

/**
 * `keybroker claude install`: add (or refresh) `keybroker bridge vsphere|p6` in Claude
 * Desktop's config. Backs the old file up (0600) and replaces it atomically; an install
 * that would change nothing writes nothing, so re-running it is free and leaves no backups.
 */
export async function runClaudeInstall(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { config: { type: 'string' }, server: { type: 'string', multiple: true }, force: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
    CLAUDE_INSTALL_USAGE,
  );
  takePositionals(positionals, [], CLAUDE_INSTALL_USAGE);
  const servers = parseServers(values.server, CLAUDE_INSTALL_USAGE);
  const file = path.resolve(values.config ?? claudeDesktopConfigPath(ctx.env));
  // Write through a symlink (dotfile managers link this file) instead of replacing the link.
  const target = realTarget(file);

  const install = findKeybrokerInstall();
  if (install.bin === undefined || process.versions['electron'] !== undefined) {
    // The packaged app's runtime is an Electron helper (RunAsNode is off, so it cannot run a
    // script for Claude Desktop) and its bridge sits inside app.asar, which only Electron reads.
    throw new CliError("this is the KeyBroker app's built-in CLI, which Claude Desktop cannot start; install the extensions instead: KeyBroker Settings > Claude Desktop, or 'keybroker claude mcpb DIR' and open the bundles");
  }
  const explicitHome = ctx.env['KEYBROKER_HOME'];
  const launch = { node: process.execPath, bridge: install.bridge, ...(explicitHome ? { home: path.resolve(explicitHome) } : {}) };
  const entries = new Map<EndpointKind, ClaudeServerEntry>(servers.map((s) => [s, bridgeEntry(s, launch)]));

  const before = readIfExists(target);
  const merged = mergeClaudeConfig(file, before?.toString('utf8'), entries, values.force === true);

  let backup: string | null = null;
  const write = merged.text !== undefined && !values['dry-run'];
  if (write) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Claude Desktop may rewrite its config while we work; never overwrite what we did not read.
    const now = readIfExists(target);
    if ((now === undefined) !== (before === undefined) || (now && before && !now.equals(before))) {
      throw new CliError(`${file} changed while it was being updated; run the command again`);
    }
    if (before !== undefined) backup = writeBackup(file, before, nowOf(ctx));
    writeFileAtomic(target, merged.text!);
  }

  const report: ClaudeInstallReport = { config: file, backup, changes: merged.changes };
  ctx.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : render(report, { created: write && before === undefined, dryRun: values['dry-run'] === true, upToDate: merged.text === undefined }));
  return 0;
}

function realTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file; // not there yet: it will be created at this path.
  }
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new CliError(`${file} is a directory; pass the config file itself with --config`);
    throw new CliError(`cannot read ${file} (${code ?? (e as Error).message}); check its permissions, then retry`);
  }
}

function render(r: ClaudeInstallReport, how: { created: boolean; dryRun: boolean; upToDate: boolean }): string {
  const lines = [`Claude Desktop config: ${r.config}`, ...r.changes.map((c) => `  ${c.server}: ${c.action}`)];
  if (how.dryRun) lines.push('dry run: nothing written');
  else if (how.upToDate) lines.push('already up to date: nothing written');
  else {
    lines.push(how.created ? 'created the file' : `backup of the previous file: ${r.backup}`);
    lines.push('Quit and reopen Claude Desktop to load the change; KeyBroker must be running for the tools to work.');
  }
  return lines.join('\n') + '\n';
}
