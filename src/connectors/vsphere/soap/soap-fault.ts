import { sanitizeText } from '../../../base/sanitize-text.js';
import { ConnectorError } from '../../connector-error.js';
import { VsphereFaultError } from './vsphere-fault-error.js';
import { attributeValue, childElement, qnameLocal, XML_NS, type XmlElement } from './soap-xml.js';

/** A SOAP fault as vim25 sends it (reference §10). */
export interface SoapFault {
  /** vim25 fault type, e.g. `InvalidLogin`; undefined when the server gave no detail. */
  readonly type: string | undefined;
  /** Server text; often empty in vcsim. Never put it in a message for a call that carried a secret. */
  readonly faultString: string;
}

/** The fault in a response envelope, or undefined when the body holds no soapenv:Fault. */
export function parseSoapFault(envelope: XmlElement): SoapFault | undefined {
  const body = childElement(envelope, 'Body', XML_NS.soapEnv);
  const fault = body && childElement(body, 'Fault', XML_NS.soapEnv);
  if (!fault) return undefined;
  // faultcode, faultstring and detail are unqualified in SOAP 1.1.
  const faultString = childElement(fault, 'faultstring')?.text.trim() ?? '';
  const first = childElement(fault, 'detail')?.children[0];
  if (!first) return { type: undefined, faultString };
  // The type is the xsi:type of the first detail child, matched by namespace URI because
  // servers differ in prefix; fall back to the element name, which is `<Type>Fault`.
  const xsiType = attributeValue(first, XML_NS.xsi, 'type');
  const type = xsiType ? qnameLocal(xsiType) : first.local.replace(/Fault$/, '');
  return { type, faultString };
}

/** Where a fault happened, for the message. */
export interface FaultContext {
  readonly method: string;
  /** `https://host[:port]`, never a path, query or credentials. */
  readonly origin: string;
  /** True when the request carried a password: the server's text is then left out. */
  readonly sensitive: boolean;
}

/**
 * Maps a fault to a ConnectorError: NotAuthenticated becomes CONN_NOT_AUTHENTICATED
 * (renew and retry once), InvalidLogin CONN_LOGIN_FAILED, anything else CONN_FAULT.
 */
export function soapFaultToError(fault: SoapFault, context: FaultContext): ConnectorError {
  const { method, origin } = context;
  switch (fault.type) {
    case 'NotAuthenticated':
      return new ConnectorError('CONN_NOT_AUTHENTICATED', `the vCenter session at ${origin} is not valid any more (${method}); log in again`);
    case 'InvalidLogin':
      return new ConnectorError(
        'CONN_LOGIN_FAILED',
        `vCenter at ${origin} rejected the username or password; check them and fix the endpoint with \`keybroker endpoint update NAME [--user USER] --password-stdin\``,
      );
    default: {
      // Security: server text can echo request content, so it is dropped for secret-bearing calls.
      const detail = context.sensitive || !fault.faultString ? '' : `: ${oneLine(fault.faultString)}`;
      return new VsphereFaultError(fault.type, `vCenter at ${origin} answered ${method} with fault ${fault.type ?? 'without detail'}${detail}`);
    }
  }
}

function oneLine(text: string): string {
  // Security: fault strings are the server's words; the shared sanitizer strips controls and bidi.
  return sanitizeText(text.replace(/\s+/g, ' ').trim(), { maxChars: 201 });
}
