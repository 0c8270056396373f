// readBoundedBody (src/connectors/read-bounded-body.ts): an upstream's answer read only up to
// its cap, counted as bytes arrive, and P6's exchange through it against a fake server over
// real TLS sending a chunked answer (no content-length to go by).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { isConnectorError } from '../../src/connectors/connector-error.js';
import { p6Exchange } from '../../src/connectors/p6/client/p6-exchange.js';
import { readBoundedBody } from '../../src/connectors/read-bounded-body.js';
import { startFakeVcenter, type FakeVcenter } from '../support/fake-vcenter.js';

const body = (chunks: (string | Buffer)[]) => Readable.from(chunks.map((c) => Buffer.from(c))) as unknown as Dispatcher.ResponseData['body'];
const tooLarge = () => new Error('too large');

describe('readBoundedBody', () => {
  it('reads a body of exactly the cap, chunk by chunk, as UTF-8 (a character cut between chunks whole)', async () => {
    const euro = Buffer.from('€'); // 3 bytes
    assert.equal(await readBoundedBody(body(['ab', euro.subarray(0, 1), Buffer.concat([euro.subarray(1), Buffer.from('c')])]), 6, tooLarge), 'ab€c');
  });

  it('refuses one byte past the cap with the caller\'s error and destroys the stream, reading no further', async () => {
    let pulled = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 10; i++) {
          pulled++;
          yield Buffer.from('abcd');
        }
      })(),
    );
    await assert.rejects(readBoundedBody(source as unknown as Dispatcher.ResponseData['body'], 7, tooLarge), /too large/);
    assert.equal(source.destroyed, true);
    assert.ok(pulled < 10, `read ${pulled} of 10 chunks`);
  });

  it('reads an empty body as the empty string', async () => {
    assert.equal(await readBoundedBody(body([]), 0, tooLarge), '');
  });
});

describe('p6Exchange body cap', () => {
  let fake: FakeVcenter;
  before(async () => {
    fake = await startFakeVcenter(({ path }) => {
      const query = new URL(path, 'https://h').searchParams;
      return { body: 'x'.repeat(Number(query.get('n'))), headers: { 'content-type': query.get('type') ?? 'application/json' } };
    });
  });
  after(async () => fake.close());
  const exchange = (n: number) =>
    p6Exchange({ url: new URL(`${new URL(fake.url).origin}/p6ws/restapi/activity?n=${n}`), method: 'GET', headers: {}, dispatcher: fake.dispatcher, timeoutMs: 30_000, maxBodyBytes: 100_000 });

  it('hands over an answer of exactly the cap', async () => {
    const res = await exchange(100_000);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 100_000);
    assert.equal(res.mediaType, 'application/json');
  });

  it('gives the media type lower-cased, without parameters or spaces', async () => {
    const res = await p6Exchange({ url: new URL(`${new URL(fake.url).origin}/p6ws/restapi/activity?n=2&type=${encodeURIComponent('Application/JSON ; charset=UTF-8')}`), method: 'GET', headers: {}, dispatcher: fake.dispatcher, timeoutMs: 30_000, maxBodyBytes: 100 });
    assert.equal(res.mediaType, 'application/json');
    assert.equal(res.body, 'xx');
  });

  it('refuses a chunked answer one byte past the cap in one line that says what to do', async () => {
    await assert.rejects(exchange(100_001), (e: unknown) => isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' && /^P6 at https:\/\/127\.0\.0\.1:\d+ sent more than 100000 bytes; narrow the filter or the field list$/.test(e.message));
  });
});
