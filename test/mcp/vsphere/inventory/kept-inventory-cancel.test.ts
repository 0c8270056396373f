// The kept inventory's shared update when its callers cancel (W7-vcancel): a call that is
// cancelled stops waiting, and the update goes on for the other calls that share it; only
// when every caller is gone does the update end its vCenter request. A local HTTPS vCenter
// answers the collector's set-up and holds the first WaitForUpdatesEx until the test answers
// it (or its connection closes): no sleeps, every step waits for an event.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { VsphereClient } from '../../../../src/connectors/vsphere/index.js';
import { KeptInventory } from '../../../../src/mcp/vsphere/inventory/kept-inventory.js';
import { SERVICE_CONTENT_RESPONSE, soapEnvelope, soapMethodOf, soapResponse } from '../../../support/fake-vcenter.js';
import { startRawUpstream, type RawUpstream } from '../../../support/raw-upstream.js';

const HANG = { timeout: 20_000 };

const FIRST_POLL = soapResponse('WaitForUpdatesEx',
  '<returnval><version>1</version><filterSet><filter type="PropertyFilter">f</filter><objectSet><kind>enter</kind><obj type="VirtualMachine">vm-1</obj>' +
  '<changeSet><name>name</name><op>assign</op><val xsi:type="xsd:string">one</val></changeSet></objectSet></filterSet></returnval>');

/** A held WaitForUpdatesEx: answer it, or see its connection close. */
interface HeldPoll {
  answer(): void;
  readonly closed: Promise<void>;
}

describe('KeptInventory: a cancelled caller stops waiting, the shared update goes on for the others', () => {
  let upstream: RawUpstream;
  let nextPoll: ((poll: HeldPoll) => void) | undefined;

  before(async () => {
    upstream = await startRawUpstream((_req, res: ServerResponse, body) => {
      const method = soapMethodOf(body) ?? '?';
      const send = (answer: string) => res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(soapEnvelope(answer));
      if (method === 'WaitForUpdatesEx') {
        nextPoll?.({ answer: () => send(FIRST_POLL), closed: new Promise((resolve) => res.once('close', () => resolve())) });
        return;
      }
      if (method === 'RetrieveServiceContent') send(SERVICE_CONTENT_RESPONSE);
      else if (method === 'CreateContainerView') send(soapResponse(method, '<returnval type="ContainerView">session[1]view</returnval>'));
      else if (method === 'CreatePropertyCollector') send(soapResponse(method, '<returnval type="PropertyCollector">session[1]pc</returnval>'));
      else if (method === 'CreateFilter') send(soapResponse(method, '<returnval type="PropertyFilter">session[1]f</returnval>'));
      else send(soapResponse(method, ''));
    });
  });
  after(() => upstream?.close());

  const kept = () => new KeptInventory(
    new VsphereClient({ url: upstream.url, dispatcher: upstream.dispatcher, session: { token: async () => 'c1', renew: async () => 'c1' } }),
    { session: async () => 'one' },
  );
  const polled = () => new Promise<HeldPoll>((resolve) => (nextPoll = resolve));
  const isAbort = (e: unknown) => (e as Error).name === 'AbortError';

  it('one of two callers cancels: it rejects at once, the other gets the inventory from the same poll', HANG, async () => {
    const inventory = kept();
    try {
      const poll = polled();
      const a = new AbortController();
      // Both arrive before the update starts, so they share it.
      const first = inventory.current(a.signal);
      const second = inventory.current(new AbortController().signal);
      const held = await poll;
      a.abort();
      await assert.rejects(first, isAbort);
      // Still held, so the update was not aborted: answering it serves the second caller.
      held.answer();
      const view = await second;
      assert.deepEqual(view.vms.map((o) => o.ref.value), ['vm-1']);
      assert.equal(inventory.kept, true);
    } finally {
      await inventory.dispose();
    }
  });

  it('every caller cancels: the held poll\'s connection closes, and the next call builds again (no pause)', HANG, async () => {
    const inventory = kept();
    try {
      const poll = polled();
      const a = new AbortController();
      const b = new AbortController();
      const first = inventory.current(a.signal);
      const second = inventory.current(b.signal);
      const held = await poll;
      a.abort();
      await assert.rejects(first, isAbort);
      b.abort();
      await assert.rejects(second, isAbort);
      await held.closed;
      assert.equal(inventory.kept, false, 'a half-read poll is not kept');
      const again = polled();
      const next = inventory.current(new AbortController().signal);
      (await again).answer();
      assert.deepEqual((await next).vms.map((o) => o.ref.value), ['vm-1']);
    } finally {
      await inventory.dispose();
    }
  });

  it('a caller whose signal already aborted is refused at once and starts nothing', HANG, async () => {
    const inventory = kept();
    try {
      await assert.rejects(inventory.current(AbortSignal.abort()), isAbort);
      const again = polled();
      const next = inventory.current();
      (await again).answer();
      assert.deepEqual((await next).vms.map((o) => o.ref.value), ['vm-1']);
    } finally {
      await inventory.dispose();
    }
  });
});
