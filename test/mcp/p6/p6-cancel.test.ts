// A cancelled P6 tool call ends its P6 request (W1-deadlines): before, P6Client passed no
// caller signal, so a read P6 held ran on to the client's 60 s deadline after the MCP client
// had given up, holding a connection of the endpoint's pool. A real SDK Client cancels a real
// call (its signal sends notifications/cancelled) to the real P6 server, whose P6 endpoint is
// a real local HTTPS server that holds every read; the test waits for that server to see the
// held request's connection close. Without the signal each case hangs to the test's timeout.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { TokenGrant } from '../../../src/base/contracts/token-protocol.js';
import { Emitter } from '../../../src/base/events/emitter.js';
import { createServer } from '../../../src/mcp/p6/server.js';
import type { TokenSource } from '../../../src/mcp/runtime/token-source.js';
import { connectInMemory, type InMemoryMcpClient } from '../../support/in-memory-mcp-client.js';
import { startRawUpstream, type RawUpstream } from '../../support/raw-upstream.js';

const HANG = { timeout: 20_000 };

/** One read the upstream holds: its path, and when its connection closed. */
interface Held {
  readonly path: string;
  readonly closed: Promise<void>;
}

describe('a cancelled P6 tool call ends its P6 request', () => {
  let upstream: RawUpstream;
  let s: InMemoryMcpClient;
  /** True: every request is held; false: answered `[]`. */
  let holding = true;
  let nextHeld: ((held: Held) => void) | undefined;

  before(async () => {
    upstream = await startRawUpstream((req, res: ServerResponse) => {
      if (!holding) return void res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      // Never answered: the connection stays until the client gives up.
      nextHeld?.({ path: req.url ?? '', closed: new Promise((resolve) => res.once('close', () => resolve())) });
    });
    const grant: TokenGrant = {
      ch: 'broker', t: 'token.grant', id: 'g1', endpoint: 'pm', token: 'JSESSIONID=cancel-test', expiresAt: Date.now() + 3_600_000,
      upstream: { url: `${upstream.origin}/p6ws/restapi`, ca: upstream.caPem, database: 'PMDB', username: 'planner' },
    };
    const tokens: TokenSource = {
      get: async () => grant,
      renew: async () => grant,
      onDidRevoke: new Emitter<string>().event,
      listEndpoints: async () => [{ name: 'pm', host: new URL(upstream.origin).host, readOnly: false, state: 'unlocked' }],
    };
    s = await connectInMemory(createServer({ tokens, defaultEndpoint: 'pm' }));
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  // One tool per way a tool reaches its client: listPage, the client itself, loadProjectSchedule.
  const cases: readonly [string, Record<string, unknown>, RegExp][] = [
    ['p6_list_projects', {}, /^\/p6ws\/restapi\/project\?/],
    ['p6_find_obs', { query: 'Engineering' }, /^\/p6ws\/restapi\/obs\?/],
    ['p6_check_schedule', { projectObjectId: 4711 }, /^\/p6ws\/restapi\/project\?/],
  ];
  for (const [tool, args, path] of cases) {
    it(`${tool}: the held read's connection closes when the call is cancelled`, HANG, async () => {
      holding = true;
      const arrived = new Promise<Held>((resolve) => (nextHeld = resolve));
      const abort = new AbortController();
      const call = s.client.callTool({ name: tool, arguments: args }, undefined, { signal: abort.signal });
      const held = await arrived;
      assert.match(held.path, path);
      abort.abort();
      // The SDK client rejects at once (McpError -32001 naming the AbortError) and tells the server.
      await assert.rejects(call, /AbortError/);
      // The server's side: P6Client's request ended with the call, not at its 60 s deadline.
      await held.closed;
      nextHeld = undefined;
    });
  }

  it('the server answers the next call as usual', HANG, async () => {
    holding = false;
    const page = await s.ok<{ total: number; rows: unknown[] }>('p6_list_projects', {});
    assert.equal(page.total, 0);
  });
});

// X1-cancel: a cancelled p6_list_* call waiting for the page read ahead for it ended only when
// that read did (at its 60 s deadline when P6 held it). Now it ends at once, the read ahead
// is aborted (the test waits for its held connection to close: without the fix this hangs),
// and the page is not handed to the next call with the same cursor, which reads it afresh.
describe('a cancelled p6_list_* call does not wait for the page read ahead for it', () => {
  const IDS = [101, 102, 103, 104, 105, 106];
  let upstream: RawUpstream;
  let s: InMemoryMcpClient;
  /** Reads of the second page (ObjectIds 103–104): held while `holdSecond`. */
  let secondReads = 0;
  let holdSecond = true;
  let onSecond: ((held: Held) => void) | undefined;
  let gets = 0;
  let onGet: (() => void) | undefined;

  before(async () => {
    upstream = await startRawUpstream((req, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'https://p6.invalid');
      const fields = url.searchParams.get('Fields') ?? '';
      const filter = url.searchParams.get('Filter') ?? '';
      const json = (rows: unknown[]) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
      if (fields === 'ObjectId') return json(IDS.map((ObjectId) => ({ ObjectId })));
      const asked = IDS.filter((id) => new RegExp(`\\b${id}\\b`).test(filter));
      if (asked.includes(103)) {
        secondReads++;
        if (holdSecond) return void onSecond?.({ path: req.url ?? '', closed: new Promise((resolve) => res.once('close', () => resolve())) });
      }
      // A range filter names its ends; answer every id between them, as P6 would.
      const [lo, hi] = [Math.min(...asked), Math.max(...asked)];
      json(IDS.filter((id) => id >= lo && id <= hi).map((ObjectId) => ({ ObjectId, Id: `P-${ObjectId}`, Name: `Project ${ObjectId}` })));
    });
    const grant: TokenGrant = {
      ch: 'broker', t: 'token.grant', id: 'g1', endpoint: 'pm', token: 'JSESSIONID=read-ahead-test', expiresAt: Date.now() + 3_600_000,
      upstream: { url: `${upstream.origin}/p6ws/restapi`, ca: upstream.caPem, database: 'PMDB', username: 'planner' },
    };
    const tokens: TokenSource = {
      // Each tool call asks for its session right before it reads: the test's sign that the call has started.
      get: async () => {
        gets++;
        onGet?.();
        return grant;
      },
      renew: async () => grant,
      onDidRevoke: new Emitter<string>().event,
      listEndpoints: async () => [],
    };
    s = await connectInMemory(createServer({ tokens, defaultEndpoint: 'pm' }));
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  it('the call ends, the read ahead is aborted, and the next call reads the page itself', HANG, async () => {
    const readAhead = new Promise<Held>((resolve) => (onSecond = resolve));
    const first = await s.ok<{ rows: { Id: string }[]; nextCursor: string }>('p6_list_projects', { limit: 2 });
    assert.deepEqual(first.rows.map((r) => r.Id), ['P-101', 'P-102'], 'the first page');
    // The client starts reading page two as soon as page one is answered; P6 holds it.
    const held = await readAhead;
    assert.equal(secondReads, 1, 'one read ahead of page two');

    const started = new Promise<void>((resolve) => (onGet = resolve));
    const abort = new AbortController();
    const call = s.client.callTool({ name: 'p6_list_projects', arguments: { limit: 2, cursor: first.nextCursor } }, undefined, { signal: abort.signal });
    await started;
    onGet = undefined;
    abort.abort();
    await assert.rejects(call, /AbortError/);
    // The server's side: the call stopped waiting for the page read ahead and ended that read.
    await held.closed;

    holdSecond = false;
    const second = await s.ok<{ rows: { Id: string }[] }>('p6_list_projects', { limit: 2, cursor: first.nextCursor });
    assert.deepEqual(second.rows.map((r) => r.Id), ['P-103', 'P-104'], 'the second page, whole');
    assert.equal(secondReads, 2, 'read afresh: the aborted read ahead was handed to nobody');
    assert.ok(gets >= 3, `every call asked for its session (${gets})`);
  });
});
