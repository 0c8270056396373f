import type { CallToolRequest } from '@modelcontextprotocol/sdk/types.js';
import { hasProtoKey, isRecord, plainMeta } from './plain-json-rpc.js';

// Issue 17 item 3, round 10: a client's `tools/call` is still parsed with the SDK's
// CallToolRequestSchema, but the common request no longer pays for zod's walk of the object
// schemas around it. A fast path in front of the schema, never instead of it: it answers only
// for requests the schema accepts, with what the schema returns (a differential property test,
// test/platform/gateway/plain-call-tool.test.ts); for anything else it answers undefined and
// the caller asks the schema.

/** The keys of CallToolRequestParamsSchema the fast path takes; `task` and anything else go to the schema. */
const PLAIN_PARAM_KEYS: ReadonlySet<string> = new Set(['name', 'arguments', '_meta']);

/**
 * What `CallToolRequestSchema.parse(request)` returns, when that is sure without the schema:
 * a `tools/call` whose params have a string `name`, an object `arguments` (or none) and a
 * plain `_meta` (or none), nothing else, and no own `__proto__` key on the way (zod's copy
 * would drop it). The result is a copy stripped as zod strips it (the envelope's `jsonrpc` and
 * `id` are not in the schema). Undefined means "not sure": parse it with the schema.
 * Security: a fast path of the untrusted edge's check; it must never accept more than the schema.
 */
export function plainCallToolRequest(request: unknown): CallToolRequest | undefined {
  if (!isRecord(request) || request['method'] !== 'tools/call') return undefined;
  const params = request['params'];
  if (!isRecord(params) || hasProtoKey(params) || typeof params['name'] !== 'string' || !plainMeta(params)) return undefined;
  for (const key of Object.keys(params)) if (!PLAIN_PARAM_KEYS.has(key)) return undefined;
  const out: CallToolRequest['params'] = { name: params['name'] };
  if ('_meta' in params) out._meta = { ...(params['_meta'] as Record<string, unknown>) };
  if ('arguments' in params) {
    const args = params['arguments'];
    if (!isRecord(args) || hasProtoKey(args)) return undefined;
    out.arguments = { ...args };
  }
  return { method: 'tools/call', params: out };
}
