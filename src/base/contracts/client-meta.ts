import { z } from 'zod';

/**
 * `_meta` key of a request the gateway sends a child: which client the call came from, as an
 * opaque number the gateway gave that client (D201). Never the API key, a name
 * or a pid: a child only needs to tell clients apart to take turns between them (the vAPI
 * client's requests). The gateway never forwards a client's own `_meta` (D201),
 * so a client cannot choose it.
 */
export const CLIENT_META_KEY = 'keybroker/client';

/** The value under {@link CLIENT_META_KEY}. */
export const ClientMeta = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
