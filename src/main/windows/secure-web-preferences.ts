import type { WebPreferences } from 'electron';

/**
 * webPreferences of every window (Electron security checklist): isolated, sandboxed, no
 * Node in the page, web security on. Only `preload` and `devTools` vary; DevTools are for
 * development builds only (off unless asked for).
 */
export function secureWebPreferences(preload: string, devTools = false): WebPreferences {
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
    // Security: a packaged build has no DevTools, so no console into a page holding the IPC API.
    devTools,
  };
}
