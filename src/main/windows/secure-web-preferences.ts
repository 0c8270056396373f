import type { WebPreferences } from 'electron';

/**
 * webPreferences of every window (Electron security checklist): isolated, sandboxed, no
 * Node in the page, web security on. Only `preload` varies.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    // Security: the page cannot reach Node or the preload's scope; it sees only contextBridge exports.
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: true,
  };
}
