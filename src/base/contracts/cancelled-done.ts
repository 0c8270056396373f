import { z } from 'zod';

/**
 * The notification a child of our runtime sends the gateway when the handler of a request the
 * gateway cancelled has really ended (D211's "left"). MCP says the receiver of a cancel SHOULD
 * NOT answer the cancelled request, so the SDK's servers send nothing and the gateway cannot
 * tell when the work stopped; this notification tells it, and the call's place at the child is
 * given back then instead of after the grace period. The gateway consumes it (no client sees it).
 */
export const CANCELLED_DONE_METHOD = 'keybroker/cancelled-done';

/**
 * The gateway's `experimental` client capability that asks for {@link CANCELLED_DONE_METHOD}: a
 * child sends it only to a client that declared this (a standalone `--stdio` client never sees it).
 */
export const CANCELLED_DONE_CAPABILITY = 'keybroker/cancelled-done';

/** Its params: the id of the cancelled request, as the gateway sent it. */
export const CancelledDoneParams = z.object({
  requestId: z.union([z.string().max(256), z.number().int()]),
});
export type CancelledDoneParams = z.infer<typeof CancelledDoneParams>;
