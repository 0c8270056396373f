import { z } from 'zod';
import { ContractViolationError } from '../base/errors/contract-violation-error.js';
import type { Launcher } from '../platform/supervisor/launcher.js';

/** `keybroker claude mcpb OUT --json` output (src/cli/commands/claude-mcpb.ts). */
const McpbReport = z.object({
  bundles: z.array(z.object({ server: z.string(), file: z.string(), bytes: z.number() })).min(1),
});
export type McpbReport = z.infer<typeof McpbReport>;

/** The arguments main gives the CLI: one Claude Desktop extension per server, into `outDir`. */
export function claudeMcpbArgs(outDir: string): string[] {
  return ['claude', 'mcpb', outDir, '--json'];
}

/**
 * Run `keybroker claude mcpb OUT --json` in a utility process (main may not import the CLI
 * layer, D23) and return the bundles it wrote. Not `claude install`: that writes Claude
 * Desktop's config with this process's Node and a bridge path, and in the packaged app both
 * are unusable by Claude Desktop (an Electron helper with RunAsNode off; a file inside
 * app.asar). The child's report is validated on arrival (STYLE.md §3).
 */
export function runClaudeMcpb(launcher: Launcher, cliPath: string, outDir: string, env: Readonly<Record<string, string>>): Promise<McpbReport> {
  return new Promise((resolve, reject) => {
    const child = launcher.launch({ name: 'claude-mcpb', modulePath: cliPath, args: claudeMcpbArgs(outDir), env, channel: false });
    const lines: string[] = [];
    child.onLog((line) => {
      if (lines.length < 500) lines.push(line.slice(0, 2000));
    });
    child.onExit((code) => {
      const json = lines.filter((l) => !l.startsWith('keybroker claude: note:'));
      if (code !== 0) return reject(new Error(json.at(-1) ?? `keybroker claude mcpb exited with ${code}; run it in a terminal to see why`));
      const start = json.findIndex((l) => l.startsWith('{'));
      let parsed: ReturnType<typeof McpbReport.safeParse> | undefined;
      try {
        parsed = McpbReport.safeParse(JSON.parse(json.slice(Math.max(0, start)).join('\n')));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) return reject(new ContractViolationError('keybroker claude mcpb printed no valid report; run it in a terminal to see why'));
      resolve(parsed.data);
    });
  });
}
