import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import { ConnectorError, isConnectorError } from '../../connector-error.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { buildSoapEnvelope } from './soap-envelope.js';
import { parseSoapFault, soapFaultToError } from './soap-fault.js';
import { childElement, XML_NS, type XmlElement } from './soap-xml.js';
import { XmlStreamScanner, type XmlScanHooks } from './xml-scanner.js';
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
  /**
   * Takes response elements as events while the body arrives (see XmlScanHooks.capture):
   * a RetrieveResult's rows are built straight from the tags. What it builds counts only if
   * soapCall resolves (the envelope and fault checks run at the end).
   */
  readonly capture?: XmlScanHooks['capture'];
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
    // vCenter compresses when asked (inventory pages shrink ~10×); vcsim does not, and then
    // the body comes as is.
    'accept-encoding': 'gzip',
  };
  if (options.cookie !== undefined) headers['cookie'] = sessionCookieHeader(options.cookie);
  const body = buildSoapEnvelope(options.method, options.thisRef, options.paramsXml);

  let status: number;
  let envelope: XmlElement | undefined;
  let setCookie: string[];
  try {
    const res = await request(sdk, { method: 'POST', dispatcher: options.dispatcher, headers, body, signal: options.signal });
    status = res.statusCode;
    const raw = res.headers['set-cookie'];
    setCookie = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    // vim25 answers 200 with a result or 500 with a fault (reference §1); anything else is
    // a proxy, a login page or the wrong URL, read only to free the connection. The body
    // is never quoted: it may echo secrets.
    const soap = status === 200 || status === 500;
    const encoding = String(res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') {
      discard(res.body);
      throw new ConnectorError('CONN_BAD_RESPONSE', `${sdk.origin} answered ${options.method} with a Content-Encoding that was not asked for; check that the URL is the vCenter SDK (https://host/sdk)`);
    }
    const scanner = soap ? new XmlStreamScanner({ capture: options.capture }) : undefined;
    envelope = await readEnvelope(res.body, encoding === 'gzip', sdk.origin, options.maxResponseBytes ?? MAX_RESPONSE_BYTES, scanner);
  } catch (error) {
    throw mapUpstreamError(error, sdk.host);
  }

  const context = { method: options.method, origin: sdk.origin, sensitive: options.sensitive === true };
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

/**
 * Reads the body under the size cap, gunzipping it when the server compressed it, and
 * parses each piece as it arrives (issue 17: the parse overlaps the network and no
 * whole-body string is built). Undefined without a scanner, or for a body that is not one
 * well-formed XML tree (the rest is then read and dropped).
 */
async function readEnvelope(body: Dispatcher.ResponseData['body'], gzip: boolean, origin: string, max: number, scanner: XmlStreamScanner | undefined): Promise<XmlElement | undefined> {
  const decoder = new TextDecoder('utf-8');
  // pipeline, not pipe: a body that fails (the caller's deadline or abort, a reset) fails the
  // decompressor too, where pipe would leave it waiting for an end that never comes.
  const gunzip = gzip ? pipeline(body, createGunzip(), () => undefined) : undefined;
  let ok = scanner !== undefined;
  let size = 0;
  try {
    for await (const chunk of (gunzip ?? body) as AsyncIterable<Buffer>) {
      // Security: the cap counts decompressed bytes, so a small gzip bomb cannot fill memory.
      size += chunk.length;
      if (size > max) {
        throw new ConnectorError('CONN_BAD_RESPONSE', `${origin} sent more than ${max} bytes in one response; check that the URL is the vCenter SDK, or ask for smaller pages`);
      }
      if (ok) ok = scanner!.write(decoder.decode(chunk, { stream: true }));
    }
  } catch (error) {
    discard(body);
    gunzip?.destroy();
    if (isConnectorError(error) || !gunzip || !isZlibError(error)) throw error;
    throw new ConnectorError('CONN_BAD_RESPONSE', `${origin} sent a gzip body that does not decompress; check that the URL is the vCenter SDK`, { cause: error });
  }
  if (!ok || !scanner!.write(decoder.decode())) return undefined;
  return scanner!.end();
}

/** Drops a body we will not read; its abort error has no reader left, so it is swallowed. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
