// A fake vCenter's SOAP endpoint over HTTPS, for connector tests that need answers no real
// simulator gives (a redirect, an HTML page, a gzip bomb, a crafted UpdateSet): a private
// test CA (openssl-pki.ts) signs its certificate for 127.0.0.1, and the dispatcher it hands
// out is the product's (createUpstreamDispatcher) trusting that CA only. The test decides
// every answer; the fake only reads each request whole and writes the reply.
import type { IncomingHttpHeaders } from 'node:http';
import type { Agent } from 'undici';
import { startRawUpstream } from './raw-upstream.js';

/** One request as the fake received it. */
export interface FakeVcenterRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The fake's answer to one request: status (default 200), body, and headers beside `content-type: text/xml`. */
export interface FakeVcenterReply {
  readonly status?: number;
  readonly body: string | Buffer;
  readonly headers?: Record<string, string>;
}

/** A running fake; close it in `after`/`finally`. */
export interface FakeVcenter {
  /** `https://127.0.0.1:PORT/sdk`. */
  readonly url: string;
  /** The product's upstream dispatcher, trusting the fake's test CA only. */
  readonly dispatcher: Agent;
  /** Closes the dispatcher, the server (its open connections too) and removes the test CA. */
  close(): Promise<void>;
}

/**
 * Starts the fake; `answer` gives the reply to each request once its body has arrived, or
 * undefined for none: that request stays open until the client gives up or the fake closes.
 */
export async function startFakeVcenter(answer: (request: FakeVcenterRequest) => FakeVcenterReply | undefined): Promise<FakeVcenter> {
  // The server, test CA and dispatcher are raw-upstream's; the fake only shapes the replies.
  const upstream = await startRawUpstream((req, res, body) => {
    const reply = answer({ method: req.method!, path: req.url!, headers: req.headers, body });
    if (reply === undefined) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/xml; charset=utf-8', ...reply.headers });
    res.end(reply.body);
  });
  return { url: upstream.url, dispatcher: upstream.dispatcher, close: () => upstream.close() };
}

// SOAP answers in vim25's shape, shared by the tests that write their own fake vCenter.

/** `body` inside a SOAP envelope (the namespaces vCenter declares, xsi and xsd included). */
export const soapEnvelope = (body: string): string =>
  '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
  `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

/** `<{method}Response xmlns="urn:vim25">{inner}</{method}Response>`. */
export const soapResponse = (method: string, inner: string): string => `<${method}Response xmlns="urn:vim25">${inner}</${method}Response>`;

/** RetrieveServiceContent's answer: a vCenter 8.0.2 with its root folder, collector, view and session managers. */
export const SERVICE_CONTENT_RESPONSE = soapResponse('RetrieveServiceContent',
  '<returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">propertyCollector</propertyCollector>' +
  '<viewManager type="ViewManager">ViewManager</viewManager><sessionManager type="SessionManager">SessionManager</sessionManager>' +
  '<about><name>VMware vCenter Server</name><apiVersion>8.0.2.0</apiVersion></about></returnval>');

/** The vim25 method a request body calls (the first element of its Body in the urn:vim25 namespace). */
export function soapMethodOf(body: string): string | undefined {
  return /<(\w+) xmlns="urn:vim25"/.exec(body.slice(body.indexOf('Body')))?.[1];
}

/** An UpdateSet's objectSet: a VM entering with a name and a power state. */
export const vmEnter = (value: string, name: string, power = 'poweredOn'): string =>
  `<objectSet><kind>enter</kind><obj type="VirtualMachine">${value}</obj>` +
  `<changeSet><name>name</name><op>assign</op><val xsi:type="xsd:string">${name}</val></changeSet>` +
  `<changeSet><name>runtime.powerState</name><op>assign</op><val xsi:type="VirtualMachinePowerState">${power}</val></changeSet></objectSet>`;
