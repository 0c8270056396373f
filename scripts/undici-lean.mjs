// A lean entry for undici 7 (scripts/esbuild-undici-lean.mjs resolves `undici` here in every
// Node bundle; docs/DECISIONS.md). undici's index.js requires all of undici on load: fetch,
// WebSocket, EventSource, the mock agents, the cache stores, every interceptor, about 1.08 MB
// bundled, which each child compiled on start and kept in memory. KeyBroker uses only an
// Agent (a verifying, pinned dispatcher: src/connectors/tls), the connector builder it wraps,
// and `request` with that dispatcher. This file exports those, taken from the same undici
// modules index.js uses, so their behaviour is undici's own. Its exports are ES named
// exports, so esbuild fails a build that imports a name missing here;
// test/scripts/undici-lean.test.ts checks the same from src's imports.
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import buildConnector from 'undici/lib/core/connect.js';
import errors from 'undici/lib/core/errors.js';
import util from 'undici/lib/core/util.js';

// As index.js: every dispatcher gets the request/stream/pipeline/upgrade/connect methods.
Object.assign(Dispatcher.prototype, api);

/**
 * undici's top-level `request(url, opts)` (index.js `makeDispatcher(api.request)`), with one
 * difference: `opts.dispatcher` is required. undici falls back to the process-wide global
 * dispatcher (no pin, the system's CAs); here a call without one is refused.
 */
function request(url, opts, handler) {
  if (typeof opts === 'function') {
    handler = opts;
    opts = null;
  }
  if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) {
    throw new errors.InvalidArgumentError('invalid url');
  }
  if (opts != null && typeof opts !== 'object') {
    throw new errors.InvalidArgumentError('invalid opts');
  }
  if (opts && opts.path != null) {
    if (typeof opts.path !== 'string') {
      throw new errors.InvalidArgumentError('invalid opts.path');
    }
    let path = opts.path;
    if (!opts.path.startsWith('/')) {
      path = `/${path}`;
    }
    url = new URL(util.parseOrigin(url).origin + path);
  } else {
    if (!opts) {
      opts = typeof url === 'object' ? url : {};
    }
    url = util.parseURL(url);
  }
  const { agent, dispatcher } = opts;
  if (agent) {
    throw new errors.InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
  }
  // Security: never the global dispatcher; every upstream request names its pinned Agent.
  if (dispatcher == null) {
    throw new errors.InvalidArgumentError('opts.dispatcher is required (KeyBroker bundles have no global dispatcher)');
  }
  return api.request.call(
    dispatcher,
    {
      ...opts,
      origin: url.origin,
      path: url.search ? `${url.pathname}${url.search}` : url.pathname,
      method: opts.method || (opts.body ? 'PUT' : 'GET'),
    },
    handler,
  );
}

export { Agent, Dispatcher, buildConnector, errors, request };
