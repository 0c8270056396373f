/**
 * Base class of every expected failure raised by `core` (STYLE.md §8).
 * Subclasses set a literal `name` and a stable `code`; the message is one line that says
 * what to do next and never carries a secret. Across a process boundary only
 * `{ code, message }` travels, never the Error object.
 */
export abstract class CoreError extends Error {
  abstract override readonly name: string;
  abstract readonly code: `CORE_${string}`;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** The only form of this error that may cross a process boundary. */
  toWire(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True when `e` is one of our coded core errors (works across realms and bundles). */
export const isCoreError = (e: unknown): e is CoreError =>
  typeof (e as CoreError | undefined)?.code === 'string' && (e as CoreError).code.startsWith('CORE_');

/** A broken invariant: a bug in KeyBroker, never a user mistake. */
export class BugError extends CoreError {
  override readonly name = 'BugError' as const;
  readonly code = 'CORE_BUG' as const;
}
