import { sanitizeText } from '../../../base/sanitize-text.js';
import { ConnectorError } from '../../connector-error.js';
import type { P6ExchangeResponse } from './p6-exchange.js';

/** P6's own `{"message": ...}`, made safe to show: one line, printable, short. */
function p6Message(res: P6ExchangeResponse): string | undefined {
  if (res.mediaType !== 'application/json') return undefined;
  try {
    const message = (JSON.parse(res.body) as { message?: unknown } | null)?.message;
    if (typeof message !== 'string') return undefined;
    return sanitizeText(message.trim(), { maxChars: 200 }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ConnectorError for a non-2xx answer (401 excluded: the client renews first).
 * Messages say what to do next and never include the request's cookie; P6's own
 * message is included only as short printable text from a JSON error body.
 */
export function p6ResponseError(res: P6ExchangeResponse, what: string): ConnectorError {
  const said = p6Message(res);
  const suffix = said ? `: ${said}` : '';
  if (res.status >= 300 && res.status < 400) {
    return new ConnectorError('CONN_BAD_RESPONSE', `P6 answered ${what} with a redirect (HTTP ${res.status}), which is never followed; check that the endpoint URL is the /p6ws/restapi base`);
  }
  if (res.status === 401) return new ConnectorError('CONN_NOT_AUTHENTICATED', `P6 refused the session for ${what} even after logging in again; unlock the endpoint again`);
  if (res.status === 403 || res.status === 404) {
    // Reference §5: P6 answers 401 or 404 when the account lacks rights, so 404 is ambiguous.
    return new ConnectorError('CONN_FAULT', `P6 found nothing for ${what}, or the account has no permission (HTTP ${res.status})${suffix}; check the name and the user's P6 security profile`);
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    return new ConnectorError('CONN_UNREACHABLE', `P6 or a proxy in front of it is unavailable (HTTP ${res.status}); try again later`);
  }
  if (res.status >= 500) return new ConnectorError('CONN_FAULT', `P6 failed on ${what} (HTTP ${res.status})${suffix}; narrow the request or try again later`);
  return new ConnectorError('CONN_FAULT', `P6 rejected ${what} (HTTP ${res.status})${suffix}; check the fields, filter and body`);
}
