import { createHash } from 'node:crypto';

/**
 * What a list cursor carries of the query it was made for: the first 16 characters of the
 * SHA-256 of its JSON (base64url). A cursor whose key is not the call's own is from another
 * list (other filters, object or endpoint) and must be refused, never read as a place in this
 * one (D166). Shared by every paged tool, so a cursor is bound the same way everywhere.
 */
export function cursorQueryKey(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}
