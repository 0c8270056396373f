import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CANCELLED_DONE_CAPABILITY, CANCELLED_DONE_METHOD } from '../../../base/contracts/cancelled-done.js';
import type { ToolExtra } from '../plan/tool-planner.js';

/**
 * Run a request's handler (`work`) and, when the request was cancelled, tell the gateway once
 * the handler has really ended (`keybroker/cancelled-done` with the request's id, D231):
 * the SDK answers nothing to a cancelled request (MCP: a receiver SHOULD NOT), so without this the
 * gateway keeps the call's place at this child for its grace period (D211). Sent after `work`
 * settles, however long it goes on after the cancel, so the place stays taken while the work
 * runs; only to a client that asked for it (the gateway's `experimental` capability).
 */
export async function reportCancelledEnd<T>(server: Server, extra: ToolExtra, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    if (extra.signal.aborted && server.getClientCapabilities()?.experimental?.[CANCELLED_DONE_CAPABILITY] !== undefined) {
      // A custom method the SDK's ServerNotification type does not list; the channel may be gone (the host stopped).
      server.notification({ method: CANCELLED_DONE_METHOD, params: { requestId: extra.requestId } } as never).catch(() => undefined);
    }
  }
}
