import { homeSocketPath } from '../ipc/home-socket-path.js';

/**
 * Where the control socket of `home` lives: `<home>/control.sock`, or the short runtime
 * folder when that path is too long for `sun_path`. Host and CLI both call this, so they agree.
 */
export function controlSocketPath(home: string, env: NodeJS.ProcessEnv = process.env): string {
  return homeSocketPath(home, 'control', env);
}
