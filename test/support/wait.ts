// Waiting in tests without racing the clock (issue 12: a suite green on a loaded machine).
// Tests wait for events or poll a condition; no test asserts how long anything took. The
// only bound is a hang guard, far above any honest wait even beside `stress --cpu 2`, and
// below node:test's limit (scripts/test.mjs) so that a hang still names what it was waiting for.

/** How long a wait may take before it counts as hung (never a performance bound). */
export const HANG_GUARD_MS = 150_000;

/** Poll `cond` until it holds; fails only as a hang guard, naming `what`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, pollMs = 10): Promise<void> {
  const hungAt = Date.now() + HANG_GUARD_MS;
  while (!(await cond())) {
    if (Date.now() > hungAt) throw new Error(`hung: no ${what} within ${HANG_GUARD_MS} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
