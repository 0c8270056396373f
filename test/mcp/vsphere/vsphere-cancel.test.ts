// A cancelled vSphere tool call ends its vCenter requests (W7-vcancel), as W1-deadlines made a
// cancelled P6 call end its P6 request (D167): before, only the two vAPI list tools passed
// `extra.signal`, and every SOAP read of the other tools ran on to the client's 60 s deadline
// after the MCP client had given up. A real SDK Client cancels a real call (its signal sends
// notifications/cancelled) to the real vSphere server, whose endpoint is a real local HTTPS
// server that answers the SOAP calls a read needs first and holds the read itself; the test
// waits for that server to see the held request's connection close. Without the signal each
// case hangs to the test's timeout.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { TokenGrant } from '../../../src/base/contracts/token-protocol.js';
import { Emitter } from '../../../src/base/events/emitter.js';
import { createServer } from '../../../src/mcp/vsphere/server.js';
import type { TokenSource } from '../../../src/mcp/runtime/token-source.js';
import { connectInMemory, type InMemoryMcpClient } from '../../support/in-memory-mcp-client.js';
import { SERVICE_CONTENT_RESPONSE, soapEnvelope, soapMethodOf, soapResponse, vmEnter } from '../../support/fake-vcenter.js';
import { startRawUpstream, type RawUpstream } from '../../support/raw-upstream.js';

const HANG = { timeout: 20_000 };

/** The first poll of the kept inventory: two VMs enter. */
const FIRST_POLL = soapResponse('WaitForUpdatesEx', `<returnval><version>1</version><filterSet><filter type="PropertyFilter">f</filter>${vmEnter('vm-1', 'one')}${vmEnter('vm-2', 'two')}</filterSet></returnval>`);

/** One request the upstream holds: its SOAP method, and when its connection closed. */
interface Held {
  readonly method: string;
  readonly closed: Promise<void>;
}

describe('a cancelled vSphere tool call ends its vCenter requests', () => {
  let upstream: RawUpstream;
  let s: InMemoryMcpClient;
  /** SOAP methods held (never answered); every other one gets a plausible answer. */
  let holding = new Set<string>();
  const held: Held[] = [];
  let nextHeld: ((h: Held) => void) | undefined;
  /** SOAP methods received, in order. */
  const calls: string[] = [];
  const logged: string[] = [];

  before(async () => {
    upstream = await startRawUpstream((_req, res: ServerResponse, body) => {
      const method = soapMethodOf(body) ?? '?';
      calls.push(method);
      if (holding.has(method)) {
        // Never answered: the connection stays until the client gives up.
        const h = { method, closed: new Promise<void>((resolve) => res.once('close', () => resolve())) };
        held.push(h);
        nextHeld?.(h);
        return;
      }
      let answer: string;
      if (method === 'RetrieveServiceContent') answer = SERVICE_CONTENT_RESPONSE;
      else if (method === 'CreateContainerView') answer = soapResponse(method, '<returnval type="ContainerView">session[1]view</returnval>');
      else if (method === 'CreatePropertyCollector') answer = soapResponse(method, '<returnval type="PropertyCollector">session[1]pc</returnval>');
      else if (method === 'CreateFilter') answer = soapResponse(method, '<returnval type="PropertyFilter">session[1]f</returnval>');
      else if (method === 'WaitForUpdatesEx') answer = FIRST_POLL;
      // RetrievePropertiesEx and the clean-ups (DestroyView ...): nothing found, done.
      else answer = soapResponse(method, '');
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(soapEnvelope(answer));
    });
    const grant: TokenGrant = {
      ch: 'broker', t: 'token.grant', id: 'g1', endpoint: 'vc', token: '"52c4-cancel-test"', expiresAt: Date.now() + 3_600_000,
      upstream: { url: upstream.url, ca: upstream.caPem },
    };
    const tokens: TokenSource = {
      get: async () => grant,
      renew: async () => grant,
      onDidRevoke: new Emitter<string>().event,
      listEndpoints: async () => [{ name: 'vc', host: new URL(upstream.origin).host, readOnly: false, state: 'unlocked' }],
    };
    s = await connectInMemory(createServer({ tokens, defaultEndpoint: 'vc', log: (line) => logged.push(line) }));
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  /** Calls `tool`, waits for the upstream to hold `method`, cancels, and waits for every held request's connection to close. */
  const cancelWhileHeld = async (tool: string, args: Record<string, unknown>, method: string): Promise<void> => {
    holding = new Set([method]);
    held.length = 0;
    const arrived = new Promise<Held>((resolve) => (nextHeld = resolve));
    const abort = new AbortController();
    const call = s.client.callTool({ name: tool, arguments: args }, undefined, { signal: abort.signal });
    assert.equal((await arrived).method, method);
    nextHeld = undefined;
    abort.abort();
    // The SDK client rejects at once (McpError -32001 naming the AbortError) and tells the server.
    await assert.rejects(call, /AbortError/);
    // The server's side: the read ended with the call, not at its 60 s deadline.
    await Promise.all(held.map((h) => h.closed));
  };

  // One tool per way a tool reaches vCenter: findEntity and retrieveObjects (get_vm),
  // retrievePages beside InventoryIndex.load (list_hosts), the kept inventory's first build (list_vms).
  it('vsphere_get_vm: the held RetrievePropertiesEx closes when the call is cancelled', HANG, async () => {
    await cancelWhileHeld('vsphere_get_vm', { vm: 'web-01' }, 'RetrievePropertiesEx');
  });

  it('vsphere_list_hosts: the held RetrievePropertiesEx reads close when the call is cancelled', HANG, async () => {
    await cancelWhileHeld('vsphere_list_hosts', {}, 'RetrievePropertiesEx');
  });

  it('vsphere_list_vms, a first walk: the kept inventory\'s held first poll closes when its only caller is cancelled, and no full read follows', HANG, async () => {
    calls.length = 0;
    logged.length = 0;
    await cancelWhileHeld('vsphere_list_vms', {}, 'WaitForUpdatesEx');
    assert.deepEqual(calls.filter((m) => m === 'RetrievePropertiesEx'), [], 'a cancelled listing reads nothing afresh');
    // Not a failed kept inventory: the cancellation is the caller's, not a reason to read afresh.
    assert.deepEqual(logged.filter((l) => l.includes('kept inventory')), []);
  });

  it('the next vsphere_list_vms builds the kept inventory again (no pause, no full read) and lists the VMs', HANG, async () => {
    holding = new Set();
    calls.length = 0;
    logged.length = 0;
    const page = await s.ok<{ total: number; vms: { name: string }[] }>('vsphere_list_vms', {});
    assert.deepEqual(page.vms.map((v) => v.name), ['one', 'two']);
    assert.equal(calls.filter((m) => m === 'CreatePropertyCollector').length, 1, calls.join(' '));
    assert.deepEqual(calls.filter((m) => m === 'RetrievePropertiesEx'), [], `read through the kept inventory, not afresh: ${calls.join(' ')}`);
    assert.deepEqual(logged.filter((l) => l.includes('kept inventory')), []);
  });
});
