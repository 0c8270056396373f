import { ClientMeta, CLIENT_META_KEY } from '../../../base/contracts/client-meta.js';
import type { ToolExtra } from '../plan/tool-planner.js';

/**
 * The client a tool call came from, as the gateway numbered it (`_meta["keybroker/client"]`,
 * D201); undefined when the call carries none or a malformed one (standalone on
 * stdio, an older host): its connector requests then take their turns as one unknown client.
 */
export function clientOfCall(extra: ToolExtra): number | undefined {
  const parsed = ClientMeta.safeParse(extra._meta?.[CLIENT_META_KEY]);
  return parsed.success ? parsed.data : undefined;
}
