import { RELATED_TASK_META_KEY, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isJsonRpcEnvelope } from './forward.js';

// Issue 17 item 3: the client's lines are still checked against JSONRPCMessageSchema, but the
// common message no longer pays for zod's four-way union. This is a fast path in front of the
// schema, never instead of it: it says yes only for messages the schema accepts AND returns
// unchanged (a differential property test, test/platform/gateway/plain-json-rpc.test.ts,
// checks both against the schema); everything else still goes through the schema.

/** A non-null, non-array object. */
export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** zod copies the objects it parses key by key; an own `__proto__` key would not survive the copy. */
export const hasProtoKey = (o: Record<string, unknown>): boolean => Object.prototype.hasOwnProperty.call(o, '__proto__');

/**
 * `_meta` as RequestMetaSchema reads it without changing it: absent, or an object whose
 * `progressToken` (if present) is a string or a safe integer, and without the related-task key
 * (the schema parses that one with a stripping object schema, so the slow path keeps it).
 */
export function plainMeta(holder: Record<string, unknown>): boolean {
  if (!('_meta' in holder)) return true;
  const meta = holder['_meta'];
  if (!isRecord(meta) || hasProtoKey(meta) || RELATED_TASK_META_KEY in meta) return false;
  if (!('progressToken' in meta)) return true;
  const token = meta['progressToken'];
  return typeof token === 'string' || Number.isSafeInteger(token);
}

/**
 * True only when JSONRPCMessageSchema accepts `value` and its parsed copy equals `value`, so
 * `value` can be delivered as it is. False means "not sure": the caller asks the schema.
 * Security: a fast path of the untrusted edge's check; it must never accept more than the
 * schema. What it cannot decide cheaply (a `_meta` with the related-task key, an error object
 * with extra keys, a `__proto__` key) it leaves to the schema.
 */
export function isPlainJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (!isJsonRpcEnvelope(value) || hasProtoKey(value)) return false;
  const m = value as Record<string, unknown>;
  if ('method' in m) {
    const params = m['params'];
    return params === undefined || (isRecord(params) && !hasProtoKey(params) && plainMeta(params));
  }
  if ('result' in m) {
    const result = m['result'] as Record<string, unknown>;
    return !hasProtoKey(result) && plainMeta(result);
  }
  const error = m['error'] as Record<string, unknown>;
  return !hasProtoKey(error) && Object.keys(error).every((k) => k === 'code' || k === 'message' || k === 'data');
}
