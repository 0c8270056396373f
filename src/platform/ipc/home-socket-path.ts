import path from 'node:path';
import { homePaths } from '../config/home.js';
import { resolveSocketPath } from './socket-path.js';

/** The sockets a KeyBroker home has: the CLI's control socket and the MCP gateway socket. */
export type HomeSocket = 'control' | 'gateway';

/**
 * Where socket `which` of `home` lives: `<home>/<which>.sock`, or the short runtime folder
 * when that path is too long for `sun_path`. Host and clients (CLI, bridge) all call this,
 * so they agree. Node built-ins only: the bridge bundle imports it.
 */
export function homeSocketPath(home: string, which: HomeSocket, env: NodeJS.ProcessEnv = process.env): string {
  const preferred = homePaths(home)[which];
  return resolveSocketPath(preferred, path.basename(preferred), { home, env });
}
