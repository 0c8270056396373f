import { request, type Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { buildSoapEnvelope } from './soap-envelope.js';
import { parseSoapFault, soapFaultToError } from './soap-fault.js';
import { childElement, parseXml, XML_NS, type XmlElement } from './soap-xml.js';
import { sessionCookieHeader } from './session-cookie.js';
import type { ManagedObjectRef } from './managed-object-ref.js';
import { resolveSdkUrl } from './resolve-sdk-url.js';

/** Session calls answer in a few KB; anything far larger is not the SDK talking. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** One vim25 method call. */
export interface SoapCallOptions {
  /** The endpoint URL: `https://host/sdk`, or `https://host` (then `/sdk` is implied). */
  readonly url: string;
  readonly dispatcher: Dispatcher;
  /** From ServiceContent `about.apiVersion`; sent as SOAPAction `urn:vim25/<apiVersion>`. */
  readonly apiVersion: string;
  readonly method: string;
  readonly thisRef: ManagedObjectRef;
  /** Escaped parameters in WSDL order (see soap-envelope.ts). */
  readonly paramsXml?: string;
  /** `vmware_soap_session` value to present; omit for Login and RetrieveServiceContent. */
  readonly cookie?: string;
  /** True when paramsXml holds a password: server text is then kept out of errors. */
  readonly sensitive?: boolean;
  readonly signal?: AbortSignal;
  /** Response size cap; default 4 MiB (session calls). Inventory pages pass more. */
  readonly maxResponseBytes?: number;
}

/** What a successful call returned. */
export interface SoapCallResult {
  /** The `<MethodResponse>` element; read `returnval` children from it. */
  readonly response: XmlElement;
  /** Raw Set-Cookie headers (Login sets the session cookie here). */
  readonly setCookie: readonly string[];
}

/**
 * POSTs one vim25 request and returns the response element. Never retries and never
 * follows redirects: a Login must reach the server once, at the URL configured.
 *
 * @throws ConnectorError: CONN_NOT_AUTHENTICATED, CONN_LOGIN_FAILED or CONN_FAULT for
 * SOAP faults; CONN_BAD_RESPONSE for non-SOAP answers; transport codes from the dispatcher.
 */
export async function soapCall(options: SoapCallOptions): Promise<SoapCallResult> {
  const sdk = resolveSdkUrl(options.url);
  const headers: Record<string, string> = {
    'content-type': 'text/xml; charset="utf-8"',
    soapaction: `urn:vim25/${options.apiVersion}`,
  };
  if (options.cookie !== undefined) headers['cookie'] = sessionCookieHeader(options.cookie);
  const body = buildSoapEnvelope(options.method, options.thisRef, options.paramsXml);

  let status: number;
  let text: string;
  let setCookie: string[];
  try {
    const res = await request(sdk, { method: 'POST', dispatcher: options.dispatcher, headers, body, signal: options.signal });
    status = res.statusCode;
    const raw = res.headers['set-cookie'];
    setCookie = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    text = await readCapped(res.body, sdk.origin, options.maxResponseBytes ?? MAX_RESPONSE_BYTES);
  } catch (error) {
    throw mapUpstreamError(error, sdk.host);
  }

  const context = { method: options.method, origin: sdk.origin, sensitive: options.sensitive === true };
  // vim25 answers 200 with a result or 500 with a fault (reference §1); anything else is
  // a proxy, a login page or the wrong URL. The body is never quoted: it may echo secrets.
  const envelope = status === 200 || status === 500 ? parseXml(text) : undefined;
  if (envelope === undefined || envelope.local !== 'Envelope' || envelope.ns !== XML_NS.soapEnv) {
    throw new ConnectorError(
      'CONN_BAD_RESPONSE',
      `${sdk.origin} answered ${options.method} with HTTP ${status} and no SOAP envelope; check that the URL is the vCenter SDK (https://host/sdk)`,
    );
  }
  const fault = parseSoapFault(envelope);
  if (fault !== undefined) throw soapFaultToError(fault, context);
  const response = childElement(envelope, 'Body', XML_NS.soapEnv)?.children[0];
  if (status !== 200 || response === undefined || response.local !== `${options.method}Response`) {
    throw new ConnectorError('CONN_BAD_RESPONSE', `${sdk.origin} answered ${options.method} with an unexpected SOAP body; check that the URL is the vCenter SDK`);
  }
  return { response, setCookie };
}

async function readCapped(body: Dispatcher.ResponseData['body'], origin: string, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new ConnectorError('CONN_BAD_RESPONSE', `${origin} sent more than ${max} bytes in one response; check that the URL is the vCenter SDK, or ask for smaller pages`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
