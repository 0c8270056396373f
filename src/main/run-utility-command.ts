import { z } from 'zod';
import type { ClaudeInstallResult } from '../core/common/contracts/ipc-channels.js';
import { ContractViolationError } from '../core/common/errors/contract-violation-error.js';
import type { Launcher } from '../core/node/supervisor/launcher.js';

/** `keybroker claude install --json` output (src/cli/commands/claude-install.ts). */
const InstallReport = z.object({
  config: z.string(),
  backup: z.string().nullable(),
  changes: z.array(z.object({ server: z.string(), action: z.string() })),
});

/**
 * Run `keybroker claude install --json` in a utility process (main may not import the CLI
 * layer, D23) and report what changed. The child's report is validated on arrival (STYLE.md §3).
 */
export function runClaudeInstall(launcher: Launcher, cliPath: string, env: Readonly<Record<string, string>>): Promise<ClaudeInstallResult> {
  return new Promise((resolve, reject) => {
    const child = launcher.launch({ name: 'claude-install', modulePath: cliPath, args: ['claude', 'install', '--json'], env, channel: false });
    const lines: string[] = [];
    child.onLog((line) => {
      if (lines.length < 500) lines.push(line.slice(0, 2000));
    });
    child.onExit((code) => {
      if (code !== 0) return reject(new Error(lines.at(-1) ?? `keybroker claude install exited with ${code}; run it in a terminal to see why`));
      const start = lines.findIndex((l) => l.startsWith('{'));
      let parsed: ReturnType<typeof InstallReport.safeParse> | undefined;
      try {
        parsed = InstallReport.safeParse(JSON.parse(lines.slice(Math.max(0, start)).join('\n')));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) return reject(new ContractViolationError('keybroker claude install printed no valid report; run it in a terminal to see why'));
      const r = parsed.data;
      resolve({ configPath: r.config, changes: r.changes.map((c) => `${c.server}: ${c.action}`), ...(r.backup ? { backupPath: r.backup } : {}) });
    });
  });
}
