import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { readBody, type BodyRead } from '../../../src/platform/http/read-body.js';

/** POST `body` (chunked unless `length` is given) to a server that reads it with `maxBytes`. */
async function post(maxBytes: number, body: Buffer, length?: number): Promise<{ read: BodyRead; status: number }> {
  let read: BodyRead | undefined;
  const server = http.createServer((req, res) => {
    void readBody(req, maxBytes).then((r) => {
      read = r;
      res.writeHead(r.ok ? 200 : 413, { Connection: 'close' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const headers: Record<string, string> = length === undefined ? {} : { 'content-length': String(length) };
      const req = http.request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', headers, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // The server may stop reading and close early; that is the behaviour under test, not an error.
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
      if (length === undefined) {
        for (let i = 0; i < body.length; i += 1024) req.write(body.subarray(i, i + 1024));
        req.end();
      } else req.end(length <= body.length ? body.subarray(0, length) : body);
    });
    return { read: read!, status };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('readBody()', () => {
  it('returns a body within the cap, byte for byte', async () => {
    const body = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    const { read, status } = await post(1024, body, body.length);
    assert.equal(status, 200);
    assert.ok(read.ok, 'a body under the limit is read');
    assert.deepEqual(read.bytes, body);
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const { read, status } = await post(10, Buffer.alloc(100, 0x61), 100);
    assert.deepEqual(read, { ok: false, reason: 'too_large' });
    assert.equal(status, 413);
  });

  it('stops a chunked body as soon as it passes the cap', async () => {
    const { read, status } = await post(4096, Buffer.alloc(64 * 1024, 0x61));
    assert.deepEqual(read, { ok: false, reason: 'too_large' });
    assert.equal(status, 413);
  });
});
