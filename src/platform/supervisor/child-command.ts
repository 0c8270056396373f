import { CHILD_CHANNEL_ENV } from '../../base/contracts/child-channel.js';
import type { LaunchSpec } from './launcher.js';
import type { ChildCommand } from './sandbox/sandbox.js';

/**
 * The command a launcher hands its sandbox for one child: node (`execPath`), the spec's node
 * flags, its module and its arguments. Security: the environment is exactly the spec's
 * (already allow-listed, see buildChildEnv) plus the channel's name, nothing inherited
 * implicitly; `hide` names the folders no child may see, whatever the sandbox binds.
 * `preload`: node flags after the spec's own, before the module (a config.json server's
 * snapshot preload, D263).
 */
export function childCommand(spec: LaunchSpec, hide: readonly string[], execPath: string = process.execPath, preload: readonly string[] = []): ChildCommand {
  return {
    file: execPath,
    args: [...(spec.execArgv ?? []), ...preload, spec.modulePath, ...(spec.args ?? [])],
    env: { ...spec.env, [CHILD_CHANNEL_ENV]: 'fd3' },
    modulePath: spec.modulePath,
    ...(spec.reads ? { reads: spec.reads } : {}),
    ...(spec.snapshot ? { snapshot: spec.snapshot.files } : {}),
    hide,
  };
}
