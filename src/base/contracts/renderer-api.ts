import type { IpcEventPayload, IpcRequest, IpcResponse } from './ipc-channels.js';

/** Unsubscribe function returned by the `on…` event subscriptions. */
export type Unsubscribe = () => void;

/**
 * What the preload exposes as `window.keybroker`: one named function per operation
 * (STYLE.md §4), never a generic `send(channel, …)`. Rejections carry `{ code, message }`.
 */
export interface KeyBrokerApi {
  listApprovals(): Promise<IpcResponse<'approvals:list'>>;
  decideApproval(id: string, decision: IpcRequest<'approvals:decide'>['decision']): Promise<IpcResponse<'approvals:decide'>>;
  /** The popup asks to be `height` CSS pixels tall; main answers the height it applied. */
  fitPopup(height: number): Promise<IpcResponse<'popup:fit'>>;
  getStatus(): Promise<IpcResponse<'status:get'>>;
  lock(target?: string): Promise<IpcResponse<'lock'>>;
  /** The registered upstream kinds, for the endpoint form's kind `<select>` and fields. */
  listKinds(): Promise<IpcResponse<'kinds:list'>>;
  listEndpoints(): Promise<IpcResponse<'endpoints:list'>>;
  addEndpoint(form: IpcRequest<'endpoints:add'>): Promise<IpcResponse<'endpoints:add'>>;
  editEndpoint(form: IpcRequest<'endpoints:edit'>): Promise<IpcResponse<'endpoints:edit'>>;
  removeEndpoint(id: string): Promise<IpcResponse<'endpoints:remove'>>;
  testEndpoint(form: IpcRequest<'endpoints:test'>): Promise<IpcResponse<'endpoints:test'>>;
  queryAudit(filter: IpcRequest<'audit:query'>): Promise<IpcResponse<'audit:query'>>;
  restartServer(name: string): Promise<IpcResponse<'servers:restart'>>;
  getHttpSettings(): Promise<IpcResponse<'http:get'>>;
  setHttpSettings(settings: IpcRequest<'http:set'>): Promise<IpcResponse<'http:set'>>;
  revealApiKey(): Promise<IpcResponse<'http:reveal-key'>>;
  regenerateApiKey(): Promise<IpcResponse<'http:regenerate-key'>>;
  installInClaude(): Promise<IpcResponse<'claude:install'>>;
  installCliTool(): Promise<IpcResponse<'cli:install'>>;
  getPowerSettings(): Promise<IpcResponse<'power:get'>>;
  setPowerSettings(settings: IpcRequest<'power:set'>): Promise<IpcResponse<'power:set'>>;
  onApprovalsChanged(listener: (approvals: IpcEventPayload<'approvals:changed'>) => void): Unsubscribe;
  onStatusChanged(listener: (status: IpcEventPayload<'status:changed'>) => void): Unsubscribe;
  onAuditAppended(listener: (record: IpcEventPayload<'audit:appended'>) => void): Unsubscribe;
}

/** The envelope every invoke answers with, so errors cross as `{ code, message }` (STYLE.md §8). */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
