import type { Precondition, PreconditionObject } from '../../../base/contracts/plan-protocol.js';

/** One value that no longer holds. */
export interface PreconditionChange {
  readonly object: string;
  readonly key: string;
  readonly before: string;
  /** Undefined when the object itself is gone. */
  readonly after?: string;
}

/**
 * What differs between the approved precondition and the one read now. `current` holds the
 * objects as re-read (by type and id); an object missing from it no longer exists.
 */
export function diffPrecondition(approved: Precondition, current: readonly PreconditionObject[]): PreconditionChange[] {
  const out: PreconditionChange[] = [];
  for (const was of approved) {
    const now = current.find((o) => o.type === was.type && o.id === was.id);
    if (!now) {
      out.push({ object: was.object, key: '', before: 'exists' });
      continue;
    }
    for (const [key, before] of Object.entries(was.values)) {
      const after = now.values[key] ?? '';
      if (after !== before) out.push({ object: was.object, key, before, after });
    }
  }
  return out;
}

/** Options of {@link changedSentence}. */
export interface ChangedSentenceOptions {
  /** Words for a key ("runtime.powerState" → "power state"). */
  readonly label?: (key: string) => string;
  /** A more specific clause for one change ("it was powered off by someone else"), else undefined. */
  readonly explain?: (change: PreconditionChange) => string | undefined;
}

/**
 * The refusal a call gets when the world changed after its approval (issue 11): names the
 * object, says what changed, and that nothing ran. Undefined when nothing changed.
 */
export function changedSentence(changes: readonly PreconditionChange[], options: ChangedSentenceOptions = {}): string | undefined {
  const [first] = changes;
  if (!first) return undefined;
  const label = options.label ?? ((k: string) => k);
  const tail = 'Nothing was run; call the tool again to see a fresh plan and approve that.';
  if (first.after === undefined) return `${first.object} changed since you approved: it no longer exists. ${tail}`;
  const parts = changes.filter((c) => c.object === first.object && c.after !== undefined).map((c) => `${label(c.key)} ${c.before || '(unset)'} → ${c.after || '(unset)'}`);
  const why = options.explain?.(first);
  return `${first.object} changed since you approved${why ? `: ${why}` : ''} (${parts.join(', ')}). ${tail}`;
}
