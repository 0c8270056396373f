// The preload of every KeyBroker window (sandboxed, so bundled as CommonJS). It exposes
// one named function per operation as `window.keybroker` (STYLE.md §4): never a generic
// send, never ipcRenderer itself.
import { contextBridge } from 'electron';
import type { KeyBrokerApi } from '../base/contracts/renderer-api.js';
import { invoke, subscribe } from './invoke.js';

const api: KeyBrokerApi = {
  listApprovals: () => invoke('approvals:list', {}),
  decideApproval: (id, decision) => invoke('approvals:decide', { id, decision }),
  fitPopup: (height) => invoke('popup:fit', { height }),
  getStatus: () => invoke('status:get', {}),
  lock: (target) => invoke('lock', target === undefined ? {} : { target }),
  listKinds: () => invoke('kinds:list', {}),
  listEndpoints: () => invoke('endpoints:list', {}),
  addEndpoint: (form) => invoke('endpoints:add', form),
  editEndpoint: (form) => invoke('endpoints:edit', form),
  removeEndpoint: (id) => invoke('endpoints:remove', { id }),
  testEndpoint: (form) => invoke('endpoints:test', form),
  queryAudit: (filter) => invoke('audit:query', filter),
  restartServer: (name) => invoke('servers:restart', { name }),
  getHttpSettings: () => invoke('http:get', {}),
  setHttpSettings: (settings) => invoke('http:set', settings),
  revealApiKey: () => invoke('http:reveal-key', {}),
  regenerateApiKey: () => invoke('http:regenerate-key', {}),
  installInClaude: () => invoke('claude:install', {}),
  installCliTool: () => invoke('cli:install', {}),
  getPowerSettings: () => invoke('power:get', {}),
  setPowerSettings: (settings) => invoke('power:set', settings),
  onApprovalsChanged: (listener) => subscribe('approvals:changed', listener),
  onStatusChanged: (listener) => subscribe('status:changed', listener),
  onAuditAppended: (listener) => subscribe('audit:appended', listener),
};

contextBridge.exposeInMainWorld('keybroker', api);
