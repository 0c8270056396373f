import type { Dispatcher } from 'undici';

/** A row as P6 returns it: requested fields only, empty ones left out (treat missing as null). */
export type P6Row = Record<string, unknown>;

/** Where the client gets the session cookie; the MCP server backs it with the broker's tokens. */
export interface P6SessionSource {
  /** The current `Cookie` header value; a call's `signal` stops the wait for it (the broker may be prompting). */
  token(signal?: AbortSignal): Promise<string>;
  /** P6 answered 401 for `stale`: a fresh cookie (the broker logs in again); `signal` as for {@link token}. */
  renew(stale: string, signal?: AbortSignal): Promise<string>;
}

/** How to build a {@link P6Client}. */
export interface P6ClientOptions {
  /** The REST base, `https://<host>/p6ws/restapi`. */
  baseUrl: string;
  /** The pinned dispatcher from `connectors/tls`. */
  dispatcher: Dispatcher;
  /** DatabaseName alias, sent on every call as the field notes' client does (reference §2.1). */
  database?: string;
  session: P6SessionSource;
  /** Per request; default 60 s. */
  timeoutMs?: number;
  /** Rows per request when paging; default 5000 (a whole page of the largest size in one request). */
  batchSize?: number;
  /** Largest response body accepted; default 64 MiB. */
  maxBodyBytes?: number;
  /**
   * How long the ObjectIds of a paged read are reused for its next pages; default 30 s.
   * The first page always reads them fresh; 0 turns reuse off.
   */
  idsReuseMs?: number;
  /**
   * Read the next page of a paged read while the caller handles the current one (issue 17
   * item 4); default true. Off when `idsReuseMs` is 0.
   */
  readAhead?: boolean;
  now?: () => number;
}

/** A read: `Fields` is required by P6 (reference §3). */
export interface P6ReadQuery {
  fields: readonly string[];
  filter?: string;
  orderBy?: string;
}

/** One page of a paged read, in ObjectId order. */
export interface P6Page {
  rows: P6Row[];
  /** Rows matching the filter in total. */
  total: number;
  /** ObjectId to pass as `after` for the next page; absent on the last page. */
  next?: number;
}

/** Any P6 answer from {@link P6Client.send}. */
export interface P6Reply {
  status: number;
  mediaType: string;
  /** Parsed JSON, or the text when P6 did not answer JSON. */
  value: unknown;
}
