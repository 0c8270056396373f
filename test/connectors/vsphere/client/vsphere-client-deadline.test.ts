// VsphereClient's per-round-trip deadline, through withUpstreamDeadline since W1-deadlines (it
// was an inline copy of the same abort-and-map logic), against a real local HTTPS server that
// holds the request: CONN_TIMEOUT naming the method and the limit with the deadline's own
// TimeoutError as its cause, and a caller's abort stays an abort; either way the held
// request's connection closes. vcsim's stalled-vCenter test (vsphere-client.test.ts) checks
// the same end to end; this one is fast, for StrykerJS's upstream-bounds area.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { isConnectorError } from '../../../../src/connectors/connector-error.js';
import { VsphereClient } from '../../../../src/connectors/vsphere/client/vsphere-client.js';
import type { ServiceContent } from '../../../../src/connectors/vsphere/soap/retrieve-service-content.js';
import { startRawUpstream, type RawUpstream } from '../../../support/raw-upstream.js';
import { until } from '../../../support/wait.js';

const HANG = { timeout: 20_000 };

const serviceContent: ServiceContent = {
  rootFolder: { type: 'Folder', value: 'group-d1' },
  propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
  viewManager: { type: 'ViewManager', value: 'ViewManager' },
  sessionManager: { type: 'SessionManager', value: 'SessionManager' },
  apiVersion: '8.0.2.0',
  about: { name: 'VMware vCenter Server', fullName: 'fake', apiType: 'VirtualCenter', apiVersion: '8.0.2.0', version: '8.0.2', build: '1', instanceUuid: undefined },
};

describe('VsphereClient: each round trip ends at its deadline or its caller\'s abort', () => {
  let upstream: RawUpstream;
  /** Every request is held; its connection's close, by SOAP method. */
  const held = new Map<string, Promise<void>>();
  before(async () => {
    upstream = await startRawUpstream((_req, res: ServerResponse, body) => {
      const method = /<soapenv:Body><([A-Za-z]+)/.exec(body)?.[1] ?? '?';
      held.set(method, new Promise((resolve) => res.once('close', () => resolve())));
    });
  });
  after(() => upstream.close());

  const client = (timeoutMs: number, withContent = true) =>
    new VsphereClient({ url: upstream.url, dispatcher: upstream.dispatcher, timeoutMs, session: { token: async () => 'c1', renew: async () => 'c1' }, ...(withContent && { serviceContent }) });
  const timedOut = (method: string) => (e: unknown) => {
    assert.ok(isConnectorError(e) && e.code === 'CONN_TIMEOUT', String(e));
    assert.match(e.message, new RegExp(`^vCenter at https://127\\.0\\.0\\.1:\\d+ did not answer ${method} within 300 ms; check that it is healthy, then retry$`));
    // The deadline's own error, for a developer's stack (not shown to anyone).
    assert.ok(e.cause instanceof Error && e.cause.name === 'TimeoutError', String(e.cause));
    return true;
  };

  it('a held call gives CONN_TIMEOUT naming the method and the limit, and its connection closes', HANG, async () => {
    await assert.rejects(client(300).invoke('CreateContainerView', serviceContent.viewManager!, ''), timedOut('CreateContainerView'));
    await held.get('CreateContainerView');
  });

  it('a held RetrieveServiceContent gives CONN_TIMEOUT naming it', HANG, async () => {
    await assert.rejects(client(300, false).serviceContent(), timedOut('RetrieveServiceContent'));
    await held.get('RetrieveServiceContent');
  });

  it("the caller's abort is an AbortError, not CONN_TIMEOUT, and ends the request", HANG, async () => {
    const abort = new AbortController();
    const call = client(600_000).invoke('DestroyView', { type: 'ContainerView', value: 'view-1' }, '', { signal: abort.signal });
    await until('vCenter holds the call', () => held.has('DestroyView'));
    abort.abort();
    await assert.rejects(call, (e: unknown) => (e as Error).name === 'AbortError' && !isConnectorError(e));
    await held.get('DestroyView');
  });
});
