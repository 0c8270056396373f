import type { Clock } from '../ports/clock.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { Release } from './fair-share.js';

/**
 * How long a call the client cancelled (or that timed out) keeps its place at the child when the
 * child does not answer it (D211). The SDK's servers never answer a cancelled request, so for a
 * third-party child this is how long a cancel costs its client one place; our runtime's children
 * say when the cancelled handler ended (`keybroker/cancelled-done`), and the place comes back then. 60 s
 * is the longest upstream deadline of our connectors (SESSION_TIMEOUT_MS and the vSphere clients'
 * 60 s; P6's is 30 s): a child of ours that missed the cancellation has ended the call's upstream
 * request by then. Longer would keep an honest client that cancels (a person pressing stop) a
 * place short for longer; shorter would let a client that cancels and calls again put more
 * abandoned work on a child that ignores cancellation.
 */
export const CANCELLED_CALL_GRACE_MS = 60_000;

/** The child channel as holdPlace sees it (ChildMcpTransport). */
export interface AnswerWatch {
  readonly requestsSent: number;
  watchLastRequest(fn: () => void): () => void;
}

/**
 * Run `start` (one request to the child) on the place `release` gives back, and give it back when
 * the child is done with the request: when it settles with the child's answer; when it was never
 * sent; and when the SDK gave up on it (the client cancelled, or it timed out), only once the child
 * answers it anyway or says its handler ended (`keybroker/cancelled-done`, ChildMcpTransport), its
 * channel closes, or `graceMs` passes. Security: a cancelled request leaves
 * the SDK at once while the child may still work on it; freeing its place then let a client that
 * cancels and calls again give a child that ignores cancellation more than its share (D183) and
 * the child more than its cap (D211).
 */
export async function holdPlace<T>(channel: AnswerWatch, start: () => Promise<T>, release: Release, options: { readonly clock: Clock; readonly graceMs?: number }): Promise<T> {
  const before = channel.requestsSent;
  const result = start();
  if (channel.requestsSent === before) return result.finally(release);
  let held = true;
  let grace: Disposable | undefined;
  // The watch never calls back synchronously (watchLastRequest), so `unwatch` is set before `free` runs.
  const free = (): void => {
    if (!held) return;
    held = false;
    unwatch();
    grace?.dispose();
    release();
  };
  const unwatch = channel.watchLastRequest(free);
  try {
    const value = await result;
    free();
    return value;
  } catch (e) {
    // Still held: the child has not answered (an answer frees the place before the SDK sees it).
    if (held) grace = options.clock.setTimer(options.graceMs ?? CANCELLED_CALL_GRACE_MS, free);
    throw e;
  }
}
