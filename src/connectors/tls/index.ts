/** TLS for upstream connections: one verified, keep-alive undici Agent per endpoint. */
export { createUpstreamDispatcher, UPSTREAM_TIMEOUT_DEFAULTS, type UpstreamDispatcherOptions } from './create-upstream-dispatcher.js';
export { mapUpstreamError } from './map-upstream-error.js';
export { certificateFingerprint } from './certificate-fingerprint.js';
