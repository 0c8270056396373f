import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorResponse, PendingRequests, requestIdOf } from '../../../src/cli/bridge/pending-requests.js';

describe('PendingRequests', () => {
  it('tracks requests until the host answers them, by id and id type', () => {
    const p = new PendingRequests();
    p.fromClient({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    p.fromClient({ jsonrpc: '2.0', id: '1', method: 'tools/call' });
    p.fromClient({ jsonrpc: '2.0', id: 3, method: 'ping' });
    p.fromClient({ jsonrpc: '2.0', method: 'notifications/initialized' });
    p.fromHost({ jsonrpc: '2.0', id: 1, result: {} });
    p.fromHost({ jsonrpc: '2.0', id: 3, error: { code: -1, message: 'x' } });
    // A request from the host to the client (sampling, ping) is not an answer.
    p.fromHost({ jsonrpc: '2.0', id: '1', method: 'ping' });
    assert.equal(p.size, 1);
    assert.deepEqual(p.drain(), ['1']);
    assert.equal(p.size, 0);
  });

  it('forgets a request the client cancelled: no answer will come for it', () => {
    const p = new PendingRequests();
    p.fromClient({ jsonrpc: '2.0', id: 7, method: 'tools/call' });
    p.fromClient({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'user' } });
    assert.deepEqual(p.drain(), []);
  });

  it('ignores what is not a JSON-RPC message', () => {
    const p = new PendingRequests();
    for (const v of [null, 1, 'x', [{ id: 1, method: 'a' }], { id: null, method: 'a' }, { id: {}, method: 'a' }, { id: 1 }]) p.fromClient(v);
    assert.equal(p.size, 0);
  });
});

describe('requestIdOf() / errorResponse()', () => {
  it('finds ids of requests only, and builds a JSON-RPC error for one', () => {
    assert.equal(requestIdOf({ jsonrpc: '2.0', id: 0, method: 'initialize' }), 0);
    assert.equal(requestIdOf({ jsonrpc: '2.0', method: 'notifications/initialized' }), undefined);
    assert.equal(requestIdOf({ jsonrpc: '2.0', id: 1, result: {} }), undefined);
    assert.deepEqual(errorResponse('a', -32000, 'down'), { jsonrpc: '2.0', id: 'a', error: { code: -32000, message: 'down' } });
  });
});
