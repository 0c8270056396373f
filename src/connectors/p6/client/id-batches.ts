import { p6And, p6Clause, p6In } from './p6-filter.js';

/** One request's worth of ObjectIds and the filter that fetches exactly them. */
export interface IdBatch {
  ids: readonly number[];
  filter: string;
}

/**
 * Split an ascending run of the ObjectIds matching `filter` into request-sized batches.
 * A batch is one ObjectId range ANDed with `filter`, which returns exactly that run and
 * keeps the URL short (reference §3). A filter with `:or:` cannot be combined safely
 * (precedence is undocumented, reference §4), so then a batch is an `IN(...)` list of at
 * most 200 ids, to keep the URL within common server limits.
 */
export function idBatches(ids: readonly number[], batchSize: number, filter: string | undefined): IdBatch[] {
  const rangeOk = filter === undefined || !/:or:/i.test(filter);
  const size = rangeOk ? batchSize : Math.min(batchSize, 200);
  const out: IdBatch[] = [];
  for (let i = 0; i < ids.length; i += size) {
    const batch = ids.slice(i, i + size);
    const range = p6And(p6Clause('ObjectId', ':gte:', batch[0]!), p6Clause('ObjectId', ':lte:', batch.at(-1)!))!;
    const contiguous = batch.at(-1)! - batch[0]! + 1 === batch.length;
    out.push({ ids: batch, filter: contiguous ? range : rangeOk ? p6And(range, filter)! : p6In('ObjectId', batch) });
  }
  return out;
}

/** Index of the first id greater than `after` in an ascending list. */
export function upperBound(ids: readonly number[], after: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
