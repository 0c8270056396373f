// VsphereClient.withSignal (W7-vcancel): a view for one tool call whose requests end when the
// call's signal aborts, sharing the client's session and ServiceContent. Against a real local
// HTTPS server that answers or holds each SOAP method as the test says; every step waits for
// an event (a request arriving, a connection closing), never a sleep.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isConnectorError } from '../../../../src/connectors/connector-error.js';
import { VsphereClient } from '../../../../src/connectors/vsphere/client/vsphere-client.js';
import { SERVICE_CONTENT_RESPONSE, soapEnvelope, soapMethodOf, soapResponse } from '../../../support/fake-vcenter.js';
import { startRawUpstream, type RawUpstream } from '../../../support/raw-upstream.js';

const HANG = { timeout: 20_000 };


/** A held request: answer it, or see its connection close. */
interface Held {
  answer(): void;
  readonly closed: Promise<void>;
}

describe('VsphereClient.withSignal: a view whose requests end with the call', () => {
  let upstream: RawUpstream;
  /** Methods held until the test answers them. */
  let holding: Set<string>;
  const held = new Map<string, Held>();
  const arrivals = new Map<string, () => void>();
  /** Methods received, in order. */
  const calls: string[] = [];

  before(async () => {
    upstream = await startRawUpstream((_req, res: ServerResponse, body) => {
      const method = soapMethodOf(body) ?? '?';
      calls.push(method);
      let answer: string;
      if (method === 'RetrieveServiceContent') answer = SERVICE_CONTENT_RESPONSE;
      else if (method === 'CreateContainerView') answer = soapResponse(method, '<returnval type="ContainerView">session[1]view</returnval>');
      else answer = soapResponse(method, '');
      const send = () => res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(soapEnvelope(answer));
      if (holding.has(method)) held.set(method, { answer: send, closed: new Promise((resolve) => res.once('close', () => resolve())) });
      else send();
      arrivals.get(method)?.();
    });
  });
  after(() => upstream?.close());
  beforeEach(() => {
    holding = new Set();
    held.clear();
    calls.length = 0;
  });

  const client = () => new VsphereClient({ url: upstream.url, dispatcher: upstream.dispatcher, session: { token: async () => 'c1', renew: async () => 'c1' } });
  const arrived = (method: string) => new Promise<void>((resolve) => arrivals.set(method, resolve));
  const isAbort = (e: unknown) => (e as Error).name === 'AbortError' && !isConnectorError(e);

  it('views share one ServiceContent with their client: it is read once', HANG, async () => {
    const base = client();
    await base.withSignal(new AbortController().signal).serviceContent();
    await base.withSignal(undefined).invoke('DestroyView', { type: 'ContainerView', value: 'v' });
    await base.serviceContent();
    assert.deepEqual(calls, ['RetrieveServiceContent', 'DestroyView']);
  });

  it("a view's request ends when its signal aborts: an AbortError, and the held connection closes", HANG, async () => {
    holding = new Set(['RetrievePropertiesEx']);
    const abort = new AbortController();
    const came = arrived('RetrievePropertiesEx');
    const read = client().withSignal(abort.signal).retrieveObjects([{ type: 'VirtualMachine', value: 'vm-1' }], ['name']);
    await came;
    abort.abort();
    await assert.rejects(read, isAbort);
    await held.get('RetrievePropertiesEx')!.closed;
  });

  it('a view stops waiting for a shared ServiceContent read when its signal aborts; the read goes on for the client', HANG, async () => {
    holding = new Set(['RetrieveServiceContent']);
    const base = client();
    const came = arrived('RetrieveServiceContent');
    const shared = base.serviceContent();
    await came;
    const abort = new AbortController();
    const waiting = base.withSignal(abort.signal).serviceContent();
    abort.abort();
    await assert.rejects(waiting, isAbort);
    held.get('RetrieveServiceContent')!.answer();
    assert.equal((await shared).apiVersion, '8.0.2.0');
  });

  it('a cancelled retrievePages still destroys its view (through the client, not the cancelled view)', HANG, async () => {
    holding = new Set(['RetrievePropertiesEx']);
    const abort = new AbortController();
    const came = arrived('RetrievePropertiesEx');
    const destroyed = arrived('DestroyView');
    const walk = (async () => {
      for await (const page of client().withSignal(abort.signal).retrievePages({ type: 'HostSystem', paths: ['name'] })) void page;
    })();
    await came;
    abort.abort();
    await assert.rejects(walk, isAbort);
    await destroyed;
    await held.get('RetrievePropertiesEx')!.closed;
  });

  it("a call's own signal and the view's both end it", HANG, async () => {
    holding = new Set(['DestroyView']);
    const own = new AbortController();
    const came = arrived('DestroyView');
    const call = client().withSignal(new AbortController().signal).invoke('DestroyView', { type: 'ContainerView', value: 'v' }, '', { signal: own.signal });
    await came;
    own.abort();
    await assert.rejects(call, isAbort);
    await held.get('DestroyView')!.closed;
  });
});
