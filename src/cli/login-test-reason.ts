import { toOneLine } from './format/one-line.js';

/**
 * Longest upstream reason a failed login test prints (the advice after it is never cut). A fingerprint mismatch alone names two
 * 95-character fingerprints, the host and the one to pass (about 480 characters); the old
 * limit of 400 cut that advice mid-flag.
 */
export const LOGIN_TEST_REASON_MAX_CHARS = 1000;

/** What the user does next when the reason itself does not say it. */
const RETRY = 'fix the value and run the command again (--no-verify saves without testing)';

/**
 * The reason a login test of `endpoint add`/`update` failed, as one line that ends with what
 * to do next (D145). The connectors' messages end with advice for an endpoint that
 * is saved (`keybroker endpoint update NAME ...`, with NAME left as a placeholder): wrong after
 * `add`, where nothing was saved, and a second, different instruction beside this command's own.
 * That advice is rewritten for this command: a fingerprint mismatch keeps its warning and says
 * to run the command again with the fingerprint seen; any other `keybroker endpoint update`
 * clause is dropped in favour of RETRY. The result is sanitized (toOneLine), and only the
 * upstream's part is ever shortened.
 */
export function loginTestReason(why: string): string {
  const pin = /,? then run `keybroker endpoint update NAME (--fingerprint [0-9A-Fa-f:]+)`/;
  const seen = pin.exec(why);
  if (seen) return `${toOneLine(why.slice(0, seen.index), LOGIN_TEST_REASON_MAX_CHARS)}, then run the command again with ${toOneLine(seen[1]!)}`;
  // ` ... and fix the endpoint with `keybroker endpoint update NAME ...``: keep what comes before.
  const inline = / and fix the endpoint with `keybroker endpoint update NAME[^`]*`/;
  let reason = why.replace(inline, '');
  // Any other clause naming the command (a message written after this one): cut at its `;`.
  const other = reason.indexOf('keybroker endpoint update NAME');
  if (other >= 0) {
    const clause = reason.lastIndexOf('; ', other);
    reason = clause > 0 ? reason.slice(0, clause) : 'the upstream refused the login';
  }
  return `${toOneLine(reason, LOGIN_TEST_REASON_MAX_CHARS)}; ${RETRY}`;
}
