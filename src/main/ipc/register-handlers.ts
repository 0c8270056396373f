import type { ApprovalDecision } from '../../base/contracts/approval.js';
import type { HostStatus } from '../../base/contracts/broker-status.js';
import type { ApprovalRequest } from '../../base/contracts/approval.js';
import type { IpcChannel } from '../../base/contracts/ipc-channels.js';
import type { AppServices } from '../app-services.js';
import type { IpcHandler, IpcRouter } from './handle.js';

/**
 * The one page that may send each channel: the popup answers approvals, the settings window
 * does everything else. `satisfies` makes a new channel name its page.
 *
 * Security: a page can call only what it needs. Without it the popup, the window that shows
 * what clients and server children wrote, could reveal the API key, add or edit an endpoint or
 * open the CORS allow-list; and the settings window could answer a pending write that its
 * person never saw in the popup (R9-attack, D169).
 */
export const CHANNEL_PAGES = {
  'approvals:list': 'popup.html',
  'approvals:decide': 'popup.html',
  'popup:fit': 'popup.html',
  'status:get': 'settings.html',
  lock: 'settings.html',
  'kinds:list': 'settings.html',
  'endpoints:list': 'settings.html',
  'endpoints:add': 'settings.html',
  'endpoints:edit': 'settings.html',
  'endpoints:remove': 'settings.html',
  'endpoints:test': 'settings.html',
  'audit:query': 'settings.html',
  'servers:restart': 'settings.html',
  'http:get': 'settings.html',
  'http:set': 'settings.html',
  'http:reveal-key': 'settings.html',
  'http:regenerate-key': 'settings.html',
  'claude:install': 'settings.html',
  'cli:install': 'settings.html',
  'power:get': 'settings.html',
  'power:set': 'settings.html',
} as const satisfies Record<IpcChannel, 'popup.html' | 'settings.html'>;

/** The host operations the windows call. */
export interface HandlerHost {
  status(): Promise<HostStatus>;
  lock(target: string | undefined): Promise<{ locked: string[] }>;
  restartServer(name: string): Promise<void>;
  listApprovals(): ApprovalRequest[];
  decideApproval(id: string, decision: ApprovalDecision): void;
  /** Size the approval popup to `height` within its limits; returns the height applied (0: no popup). */
  fitPopup(height: number): number;
}

/**
 * Every renderer → main handler, registered before the first window loads (STYLE.md §5).
 * Each is a thin call: validation and sender checks happen in IpcRouter.
 */
export function registerHandlers(router: IpcRouter, host: HandlerHost, services: AppServices): void {
  const handle = <C extends IpcChannel>(channel: C, handler: IpcHandler<C>): void => void router.handle(channel, handler, { page: CHANNEL_PAGES[channel] });
  handle('approvals:list', () => host.listApprovals());
  handle('approvals:decide', (req) => {
    host.decideApproval(req.id, req.decision);
    return { decided: req.id };
  });
  handle('popup:fit', (req) => ({ height: host.fitPopup(req.height) }));
  handle('status:get', () => host.status());
  handle('lock', (req) => host.lock(req.target));
  handle('kinds:list', () => services.listKinds());
  handle('endpoints:list', () => services.listEndpoints());
  handle('endpoints:add', (req) => services.saveEndpoint(req, 'add'));
  handle('endpoints:edit', (req) => services.saveEndpoint(req, 'edit'));
  handle('endpoints:remove', (req) => services.removeEndpoint(req.id));
  handle('endpoints:test', (req) => services.testEndpoint(req));
  handle('audit:query', (req) => services.queryAudit(req));
  handle('servers:restart', async (req) => {
    await host.restartServer(req.name);
    return { name: req.name };
  });
  handle('http:get', () => services.httpSettings());
  handle('http:set', (req) => services.setHttpSettings(req));
  handle('http:reveal-key', () => services.revealApiKey());
  handle('http:regenerate-key', () => services.regenerateApiKey());
  handle('claude:install', () => services.installInClaude());
  handle('cli:install', () => services.installCliTool());
  handle('power:get', () => services.powerSettings());
  handle('power:set', (req) => services.setPowerSettings(req));
}
