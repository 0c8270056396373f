/** Builds dist/main, dist/preload and dist/renderer (see build-electron.mjs). */
export function buildElectron(options?: { quiet?: boolean }): Promise<void>;
