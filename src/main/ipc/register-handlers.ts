import type { ApprovalDecision } from '../../base/contracts/approval.js';
import type { HostStatus } from '../../base/contracts/broker-status.js';
import type { ApprovalRequest } from '../../base/contracts/approval.js';
import type { AppServices } from '../app-services.js';
import type { IpcRouter } from './handle.js';

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
  router.handle('approvals:list', () => host.listApprovals());
  router.handle('approvals:decide', (req) => {
    host.decideApproval(req.id, req.decision);
    return { decided: req.id };
  });
  router.handle('popup:fit', (req) => ({ height: host.fitPopup(req.height) }), { page: 'popup.html' });
  router.handle('status:get', () => host.status());
  router.handle('lock', (req) => host.lock(req.target));
  router.handle('kinds:list', () => services.listKinds());
  router.handle('endpoints:list', () => services.listEndpoints());
  router.handle('endpoints:add', (req) => services.saveEndpoint(req, 'add'));
  router.handle('endpoints:edit', (req) => services.saveEndpoint(req, 'edit'));
  router.handle('endpoints:remove', (req) => services.removeEndpoint(req.id));
  router.handle('endpoints:test', (req) => services.testEndpoint(req));
  router.handle('audit:query', (req) => services.queryAudit(req));
  router.handle('servers:restart', async (req) => {
    await host.restartServer(req.name);
    return { name: req.name };
  });
  router.handle('http:get', () => services.httpSettings());
  router.handle('http:set', (req) => services.setHttpSettings(req));
  router.handle('http:reveal-key', () => services.revealApiKey());
  router.handle('http:regenerate-key', () => services.regenerateApiKey());
  router.handle('claude:install', () => services.installInClaude());
  router.handle('cli:install', () => services.installCliTool());
  router.handle('power:get', () => services.powerSettings());
  router.handle('power:set', (req) => services.setPowerSettings(req));
}
