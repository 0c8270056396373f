import type { KeyBrokerApi } from '../base/contracts/renderer-api.js';

declare global {
  interface Window {
    /** Exposed by the preload (src/preload/index.ts); stubbed in the Chromium tests. */
    readonly keybroker: KeyBrokerApi;
  }
}

/** The preload API, or a clear error when the page runs without it. */
export function api(): KeyBrokerApi {
  const a = window.keybroker;
  if (!a) throw new Error('window.keybroker missing: this page must be loaded by KeyBroker with its preload');
  return a;
}

/** A one-line message of a failed call (`{ code, message }` from main). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
