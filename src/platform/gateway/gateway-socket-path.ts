import { homeSocketPath } from '../ipc/home-socket-path.js';

/**
 * Where the gateway socket of `home` lives: `<home>/gateway.sock`, or the short runtime
 * folder when that path is too long for `sun_path`. The host listens there and the bridge
 * connects there, so both call this. Node built-ins only: the bridge bundle imports it.
 */
export function gatewaySocketPath(home: string, env: NodeJS.ProcessEnv = process.env): string {
  return homeSocketPath(home, 'gateway', env);
}
