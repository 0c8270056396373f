import path from 'node:path';
import type { ClaudeInstallResult } from '../base/contracts/ipc-channels.js';
import type { McpbReport } from './run-utility-command.js';

/** What installing the Claude Desktop extensions needs from the app. */
export interface ClaudeExtensionsDeps {
  /** Folder the bundles are written to (`<home>/claude-extensions`). */
  readonly outDir: string;
  /** Builds the bundles (runClaudeMcpb in a utility process). */
  readonly build: (outDir: string) => Promise<McpbReport>;
  /** Opens a file with its default app (`shell.openPath`): '' on success, else an error text. */
  readonly open: (file: string) => Promise<string>;
  /** Set when the app runs on a KEYBROKER_HOME other than the default, which bundles cannot follow. */
  readonly customHome?: string;
}

/**
 * "Install in Claude Desktop" from the app (docs/DECISIONS.md D35): write one .mcpb
 * per server and open each, so Claude Desktop shows its own install dialog and runs the
 * bridge with its built-in Node. The bridge finds the host at the default home, as the app does.
 */
export async function installClaudeExtensions(deps: ClaudeExtensionsDeps): Promise<ClaudeInstallResult> {
  const report = await deps.build(deps.outDir);
  const changes: string[] = [];
  for (const b of report.bundles) {
    const error = await deps.open(b.file);
    changes.push(error
      ? `${b.server}: wrote ${path.basename(b.file)} but could not open it (${error.split('\n')[0]!.slice(0, 200)}); in Claude Desktop choose Settings > Extensions > Install Extension and pick it`
      : `${b.server}: opened ${path.basename(b.file)} in Claude Desktop; click Install there`);
  }
  if (deps.customHome) changes.push(`note: this app uses KEYBROKER_HOME=${deps.customHome}; the extensions look for KeyBroker in the default folder, so start the app without KEYBROKER_HOME for them to connect`);
  return { configPath: deps.outDir, changes };
}
