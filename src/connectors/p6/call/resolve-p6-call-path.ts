import { ConnectorError } from '../../connector-error.js';
import { hasControlChar } from '../has-control-char.js';
import { p6ApiUrl } from '../rest/p6-api-url.js';

/** The REST base path every P6 Web Services install uses (reference §1). */
const REST_BASE = '/p6ws/restapi';
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MAX_PATH = 512;
const MAX_DEPTH = 4;

function refuse(why: string): never {
  throw new ConnectorError('CONN_INVALID_REQUEST', `p6_call refused the path: ${why}; give a path under the REST base such as "project" or "${REST_BASE}/activity"`);
}

/**
 * The host allow guard of `p6_call` (the seed's SSRF protection, done properly): turn a
 * caller-supplied path into path segments under the endpoint's REST base, or refuse it
 * before any network I/O. Accepted: `project`, `calendar/totalWorkHours`, or the same under
 * the endpoint's own base path (`/p6ws/restapi/project`, or a cloud tenant's base path).
 *
 * Security: this is an allow-list, not a deny-list. Only ASCII letters, digits, `_`, `-`
 * and inner dots in at most four `/`-separated segments pass, so absolute URLs, other
 * hosts and ports, userinfo, `..`, percent-encoding (single or double), backslashes,
 * `//`, control characters, queries and fragments cannot. The checks before the allow-list
 * only pick a precise message. The built URL is then re-checked against the base.
 */
export function resolveP6CallPath(baseUrl: string, path: string): { segments: string[]; url: URL } {
  const base = p6ApiUrl(baseUrl, '');
  // Stryker disable next-line Regex: p6ApiUrl(base, '') ends the path with exactly one "/", so /\/$/ is the same.
  const basePath = base.pathname.replace(/\/+$/, '');
  if (typeof path !== 'string' || path === '') refuse('it is empty');
  if (path.length > MAX_PATH) refuse(`it is longer than ${MAX_PATH} characters`);
  if (hasControlChar(path)) refuse('it contains control characters');
  if (/[^\x21-\x7e]/.test(path)) refuse('it contains spaces or non-ASCII characters');
  if (path.includes('\\')) refuse('it contains a backslash');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) refuse('absolute URLs are not allowed');
  if (path.includes('//')) refuse('"//" could switch hosts');
  if (path.includes('@')) refuse('userinfo ("@") is not allowed');
  if (path.includes('%')) refuse('percent-encoded characters are not allowed');
  if (path.includes('?') || path.includes('#')) refuse('put query parameters in "query", not in the path');
  let relative = path;
  if (path.startsWith('/')) {
    if (path !== basePath && !path.startsWith(`${basePath}/`)) refuse(`it is outside ${basePath || REST_BASE}`);
    relative = path.slice(basePath.length + 1);
  }
  const segments = relative.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '.' || s.includes('..'))) refuse('"." and ".." segments are not allowed');
  if (segments.length > MAX_DEPTH || segments.some((s) => !SEGMENT.test(s))) refuse('segments may only hold letters, digits, "_", "-" and "."');
  const url = p6ApiUrl(baseUrl, segments.join('/'));
  // Security: defence in depth; whatever URL parsing does, the result must stay on the base.
  // Unreachable through the allow-list above, so its mutants are equivalent (docs/TESTING.md); kept on purpose.
  // Stryker disable next-line all
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`) || url.search !== '') refuse('it does not resolve under the REST base');
  return { segments, url };
}

/** Query parameters for `p6_call`: plain names, values without control characters. */
export function checkP6CallQuery(query: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(name)) throw new ConnectorError('CONN_INVALID_REQUEST', `"${name.slice(0, 40)}" is not a P6 query parameter name; use names such as Fields or Filter`);
    // Security: values are URL-encoded by URLSearchParams; control characters are refused outright.
    if (hasControlChar(value)) throw new ConnectorError('CONN_INVALID_REQUEST', `the value of query parameter ${name} contains control characters`);
    out[name] = value;
  }
  return out;
}
