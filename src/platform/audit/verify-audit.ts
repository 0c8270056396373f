import fs from 'node:fs';
import path from 'node:path';
import { GENESIS, hashAuditLine } from './audit-chain.js';
import type { CheckpointKey } from './checkpoint-key.js';
import { parseChainedAuditLine } from './parse-audit-line.js';
import { listRotatedAuditFiles } from './rotate-audit.js';

/** Where the verified chain begins. */
export type ChainStart =
  /** The oldest retained chained record chains from GENESIS: the whole history since chaining is here. */
  | { kind: 'genesis' }
  /** Older records were rotated out (or lost): the first retained chained record's `prev` cannot be checked. */
  | { kind: 'retained'; file: string; line: number; ts: string }
  /** Chaining began on this install at `ts`, after the unchained records before it (an upgrade). */
  | { kind: 'upgrade'; ts: string }
  /** No chained record at all. */
  | { kind: 'none' };

/** What `verifyAuditChain` found. */
export type AuditVerifyResult =
  | {
      ok: true;
      records: number;
      /** Files read (rotated generations that exist, then the live log if it exists). */
      files: number;
      firstTs?: string;
      lastTs?: string;
      start: ChainStart;
      /** Records from before chaining began (no `prev`), at the start of the history; not covered. */
      unchained: number;
      /** Signed checkpoints found, whether their signatures were checked (a key was given), and the last one's `ts`. */
      checkpoints: { count: number; checked: boolean; lastTs?: string };
    }
  | {
      ok: false;
      /** The file holding the first broken link. */
      file: string;
      /** 1-based line number in `file`. */
      line: number;
      /** What is wrong, one sentence. */
      problem: string;
    };

interface Previous {
  hash: string;
  file: string;
  line: number;
}

/** The lines of `data` with their bytes (no `\n`); a final empty segment after the last `\n` is not a line. */
function splitLines(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
    out.push(data.subarray(start, nl));
    start = nl + 1;
  }
  if (start < data.length) out.push(data.subarray(start));
  return out;
}

/**
 * Check the hash chain (audit-chain.ts) over the whole retained history of the log at
 * `file`: `file.N … file.1`, then `file`. Stops at the first broken link.
 *
 * A link is broken when a line is not a valid record, when a chained line's `prev` is
 * not the hash of the line before it (in the same file, or the last line of the previous
 * file), or when a line without `prev` appears after chaining began. Records from before
 * chaining (an upgraded install) may precede the chain; they are counted, not verified.
 *
 * What it cannot see: records dropped from the oldest end (rotation does that by design,
 * so the oldest retained `prev` is not checked), the last record being edited (nothing
 * chains to it yet), and a whole chain rewritten by someone who can write the files
 * (SECURITY.md "Audit integrity").
 */
export function verifyAuditChain(file: string, options: { checkpointKey?: CheckpointKey } = {}): AuditVerifyResult {
  const key = options.checkpointKey;
  let checkpoints = 0;
  let lastCheckpointTs: string | undefined;
  const files = [...listRotatedAuditFiles(file), file];
  let previous: Previous | undefined;
  let chained = false;
  let records = 0;
  let unchained = 0;
  let filesRead = 0;
  let firstTs: string | undefined;
  let lastTs: string | undefined;
  let start: ChainStart = { kind: 'none' };
  for (const f of files) {
    let data: Buffer;
    try {
      data = fs.readFileSync(f);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    filesRead++;
    const lines = splitLines(data);
    for (let i = 0; i < lines.length; i++) {
      const bytes = lines[i]!;
      const lineNo = i + 1;
      const fail = (problem: string): AuditVerifyResult => ({ ok: false, file: f, line: lineNo, problem });
      const parsed = parseChainedAuditLine(bytes.toString('utf8'));
      if (!parsed) return fail(bytes.length === 0 ? 'an empty line, which the writer never writes (an edit)' : 'not a valid audit record (an edit, or a write torn by a crash)');
      if (parsed.prev === undefined) {
        if (chained) return fail('has no prev link, yet the chain began before it (a line inserted or rewritten without its link)');
        unchained++;
      } else {
        if (!chained && previous === undefined) {
          start = parsed.prev === GENESIS ? { kind: 'genesis' } : { kind: 'retained', file: f, line: lineNo, ts: parsed.record.ts };
        } else if (previous && parsed.prev !== previous.hash) {
          const before = previous.file === f ? `line ${previous.line}` : `the last line of ${previous.file} (line ${previous.line})`;
          return fail(`its prev does not match the hash of ${before}: that line or this one was edited, or lines between them were removed or inserted`);
        }
        if (!chained && previous) start = { kind: 'upgrade', ts: parsed.record.ts };
        chained = true;
      }
      // A checkpoint with outcome `failed` only notes that checkpoints are off (no key); it signs nothing.
      if (parsed.record.event === 'audit.checkpoint' && parsed.record.outcome !== 'failed') {
        const { sig, keyId, ts } = parsed.record;
        if (parsed.prev === undefined || sig === undefined || keyId === undefined) return fail('a checkpoint without its chain link, key id or signature (an edit)');
        // Security: the signature covers the chain head, so a chain rewritten up to here
        // (by someone who can write the files but cannot use the keychain key) fails here.
        if (key && keyId !== key.keyId) return fail(`a checkpoint signed with key ${keyId}, not the keychain's audit key ${key.keyId}: forged, or made before the key was replaced`);
        if (key && !key.verify(parsed.prev, ts, sig)) return fail('a checkpoint whose signature does not verify: the records before it were rewritten, or the checkpoint was forged');
        checkpoints++;
        lastCheckpointTs = ts;
      }
      previous = { hash: hashAuditLine(bytes), file: f, line: lineNo };
      records++;
      firstTs ??= parsed.record.ts;
      lastTs = parsed.record.ts;
    }
  }
  return { ok: true, records, files: filesRead, firstTs, lastTs, start, unchained, checkpoints: { count: checkpoints, checked: key !== undefined, ...(lastCheckpointTs && { lastTs: lastCheckpointTs }) } };
}

/** The one-line summary `keybroker audit verify` prints for a result. */
export function describeAuditVerify(result: AuditVerifyResult): string {
  if (!result.ok) return `audit chain broken at ${result.file} line ${result.line}: ${result.problem}`;
  if (result.records === 0) return `audit chain ok: no records yet (${result.files} file(s))`;
  const parts = [`audit chain ok: ${result.records} record(s) in ${result.files} file(s), ${result.firstTs} to ${result.lastTs}`];
  const start = result.start;
  if (start.kind === 'genesis') parts.push('chain starts at genesis (the full history since chaining began)');
  else if (start.kind === 'retained') parts.push(`chain starts at ${start.ts} (${path.basename(start.file)} line ${start.line}; older records were rotated out, so its prev cannot be checked)`);
  else if (start.kind === 'upgrade') parts.push(`chain starts at ${start.ts}, where chaining began`);
  else parts.push('no chained record');
  if (result.unchained > 0) parts.push(`${result.unchained} record(s) from before chaining are not covered`);
  const cp = result.checkpoints;
  if (cp.count > 0) parts.push(cp.checked ? `${cp.count} signed checkpoint(s) verified, the last at ${cp.lastTs}` : `${cp.count} signed checkpoint(s) not checked (no audit key in the keychain)`);
  return parts.join('; ');
}
