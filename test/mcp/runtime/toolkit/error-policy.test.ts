// Security rule (issue 13 item 4): a tool's bug never reaches the model with its text. Both
// servers and a fixture server built on the toolkit: a TypeError thrown inside a tool (or its
// plan step) reaches the MCP client as one generic sentence, and the log gets the whole error;
// an expected failure (McpToolError, ConnectorError) reaches it as `CODE: message`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { PLAN_METHOD, PlanResult } from '../../../../src/base/contracts/plan-protocol.js';
import type { EndpointSummary } from '../../../../src/base/contracts/token-protocol.js';
import { Emitter } from '../../../../src/base/events/emitter.js';
import { ConnectorError } from '../../../../src/connectors/connector-error.js';
import { createServer as createP6Server } from '../../../../src/mcp/p6/server.js';
import { describeError, INTERNAL_ERROR_CODE, McpToolError, READ_ONLY, DESTRUCTIVE, Toolkit, toolResult } from '../../../../src/mcp/runtime/toolkit/index.js';
import type { TokenSource } from '../../../../src/mcp/runtime/token-source.js';
import { createServer as createVsphereServer } from '../../../../src/mcp/vsphere/server.js';
import { createServer as createCookieRestServer } from '../../../fixtures/kinds/cookie-rest/server/server.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { connectInMemory, type InMemoryMcpClient } from '../../../support/in-memory-mcp-client.js';

const textOf = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** The generic sentence, for `tool` of `server`, and nothing of the bug. */
function assertGeneric(text: string, tool: string, server: string, bugText: string): void {
  assert.equal(text, `${INTERNAL_ERROR_CODE}: ${tool} failed because of an internal error in KeyBroker's ${server} server (the details are in KeyBroker's log); tell the user, and do not retry the same call.`);
  assert.ok(!text.includes(bugText), 'the bug text stays out of the model');
  assert.ok(!text.includes('TypeError') && !/\n\s+at /.test(text), 'no error name or stack reaches the model');
}

/** The log got the whole error: name, message and stack. */
function assertLogged(log: readonly string[], tool: string, bugText: string): void {
  const line = log.find((l) => l.includes(`${tool} failed unexpectedly`));
  assert.ok(line, `the log names the tool: ${JSON.stringify(log)}`);
  assert.match(line, /TypeError/);
  assert.ok(line.includes(bugText), 'the log carries the bug text');
  assert.match(line, /\n\s+at \S+/, 'the log carries the stack');
}

/**
 * A token source whose endpoint list is not a list: `*_list_endpoints` then fails inside the
 * tool with a real TypeError ("… is not iterable"), as a bug in the server would.
 */
function brokenListTokens(): TokenSource {
  return {
    get: () => Promise.reject(new Error('not used')),
    renew: () => Promise.reject(new Error('not used')),
    onDidRevoke: new Emitter<string>().event,
    listEndpoints: async () => ({ secretish: 'internal detail' }) as unknown as EndpointSummary[],
  };
}

/** A server built only on the toolkit, with one tool per kind of failure. */
function fixtureServer(log: string[], started: () => void = () => undefined) {
  const server = new McpServer({ name: 'fixture', version: '1.0.0' });
  const tools = new Toolkit(server, { name: 'fixture', log: (l) => void log.push(l) });
  tools.define({
    name: 'fixture_bug',
    title: 'Bug',
    description: 'Throws a TypeError',
    inputSchema: {},
    annotations: READ_ONLY,
    run: async () => {
      const row = undefined as unknown as { name: string };
      return toolResult(row.name, {});
    },
  });
  tools.define({
    name: 'fixture_expected',
    title: 'Expected',
    description: 'Throws an McpToolError',
    inputSchema: { what: z.enum(['tool', 'connector']) },
    annotations: READ_ONLY,
    run: async ({ what }) => {
      if (what === 'tool') throw new McpToolError('FIXTURE_NOT_FOUND', 'no such thing; list them with fixture_list');
      throw new ConnectorError('CONN_UNREACHABLE', 'the upstream did not answer; check the network');
    },
  });
  tools.define({
    name: 'fixture_write',
    title: 'Write',
    description: 'A write tool whose plan step or run has a bug',
    inputSchema: { where: z.enum(['plan', 'run']) },
    annotations: DESTRUCTIVE,
    plan: async ({ where }) => {
      if (where === 'plan') JSON.parse('{plan step bug');
      return { summary: 'Write', changes: [], objects: [], precondition: [] };
    },
    recheck: async () => undefined,
    run: async () => {
      (undefined as unknown as { run(): void }).run();
      return toolResult('written', {});
    },
  });
  tools.define({
    name: 'fixture_wait',
    title: 'Wait',
    description: 'Waits on the request signal, as a tool waiting on fetch(url, { signal }) does',
    inputSchema: {},
    annotations: READ_ONLY,
    run: async (_args, extra) => {
      // What fetch does when its signal aborts: reject with a DOMException named AbortError.
      const aborted = new Promise<never>((_, reject) => extra.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError'))));
      started();
      return aborted;
    },
  });
  return { server, dispose: () => undefined };
}

describe('the toolkit error policy', () => {
  it('a fixture server on the toolkit: a TypeError reaches the client as the generic sentence and the log in full', async () => {
    const log: string[] = [];
    const c = await connectInMemory(fixtureServer(log));
    try {
      const r = await c.call('fixture_bug');
      assert.equal(r.isError, true);
      assertGeneric(textOf(r), 'fixture_bug', 'fixture', 'reading \'name\'');
      assertLogged(log, 'fixture_bug', 'reading \'name\'');
    } finally {
      await c.close();
    }
  });

  it('an McpToolError or a ConnectorError reaches the client as CODE: message, and is not logged as a bug', async () => {
    const log: string[] = [];
    const c = await connectInMemory(fixtureServer(log));
    try {
      const tool = await c.call('fixture_expected', { what: 'tool' });
      assert.equal(tool.isError, true);
      assert.equal(textOf(tool), 'FIXTURE_NOT_FOUND: no such thing; list them with fixture_list');
      const conn = await c.call('fixture_expected', { what: 'connector' });
      assert.equal(textOf(conn), 'CONN_UNREACHABLE: the upstream did not answer; check the network');
      assert.deepEqual(log, []);
    } finally {
      await c.close();
    }
  });

  it('a write tool: a bug in its run or its plan step is generic too', async () => {
    const log: string[] = [];
    const c = await connectInMemory(fixtureServer(log));
    try {
      const run = await c.call('fixture_write', { where: 'run' });
      assert.equal(run.isError, true);
      assertGeneric(textOf(run), 'fixture_write', 'fixture', 'reading \'run\'');
      const plan = await c.client.request({ method: PLAN_METHOD, params: { name: 'fixture_write', arguments: { where: 'plan' } } } as never, PlanResult);
      assert.ok(!plan.ok, 'a bug in the planner gives a refusal');
      assertGeneric(plan.error, 'fixture_write', 'fixture', 'JSON');
      assert.equal(log.length, 2, JSON.stringify(log));
      assert.match(log[1]!, /SyntaxError/);
    } finally {
      await c.close();
    }
  });

  it('the log line holds the stack and the causes, but not an error\'s other properties (Security: they may hold a header)', () => {
    const inner = Object.assign(new Error('socket hang up'), { request: { headers: { cookie: 'vmware_soap_session=secret' } } });
    const outer = Object.assign(new TypeError('bad row', { cause: inner }), { options: { headers: { authorization: 'Basic c2VjcmV0' } } });
    const text = describeError(outer);
    assert.match(text, /^TypeError: bad row\n\s+at /);
    assert.match(text, /\ncaused by: Error: socket hang up\n\s+at /);
    assert.ok(!text.includes('secret') && !text.includes('c2VjcmV0'), text);
    assert.equal(describeError('a string'), "'a string'");
  });

  for (const [server, tool, create] of [
    ['vsphere', 'vsphere_list_endpoints', (log: string[]) => createVsphereServer({ tokens: brokenListTokens(), log: (l) => void log.push(l) })],
    ['p6', 'p6_list_endpoints', (log: string[]) => createP6Server({ tokens: brokenListTokens(), log: (l) => void log.push(l) })],
    // The test-only third kind (D74) is built on the toolkit too, from outside src/.
    ['cookie-rest', 'cookie-rest_list_endpoints', (log: string[]) => createCookieRestServer({ tokens: brokenListTokens(), log: (l) => void log.push(l) })],
  ] as const) {
    it(`the ${server} server: a TypeError inside ${tool} reaches the client as the generic sentence`, async () => {
      const log: string[] = [];
      let c: InMemoryMcpClient | undefined;
      try {
        c = await connectInMemory(create(log));
        const r = await c.call(tool);
        assert.equal(r.isError, true);
        assertGeneric(textOf(r), tool, server, 'not iterable');
        assertLogged(log, tool, 'not iterable');
      } finally {
        await c?.close();
      }
    });
  }

  it('a call the client cancels is logged as cancelled, not as a bug, and gets no reply (the SDK drops it)', async () => {
    const log: string[] = [];
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => { markStarted = resolve; });
    const instance = fixtureServer(log, () => markStarted());
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const sent: JSONRPCMessage[] = [];
    const send = serverSide.send.bind(serverSide);
    serverSide.send = async (message, options) => { sent.push(message); return send(message, options); };
    const client = new Client({ name: 'test', version: '1.0.0' });
    await Promise.all([instance.server.connect(serverSide), client.connect(clientSide)]);
    try {
      const cancel = new AbortController();
      const call = client.callTool({ name: 'fixture_wait', arguments: {} }, CallToolResultSchema, { signal: cancel.signal });
      await started;
      const callId = sent.length; // initialize answered; the call is the client's next request id
      cancel.abort('the user stopped it');
      await assert.rejects(call, 'the cancelled call rejects');
      // The handler has seen the abort once it logged a line (either way); a ping round trip
      // then proves the server finished with the call and sent nothing for it.
      while (log.length === 0) await new Promise((r) => setImmediate(r));
      await client.ping();
      assert.deepEqual(log, ['fixture: fixture_wait was cancelled by the client']);
      const answers = sent.filter((m) => 'id' in m && m.id === callId);
      assert.deepEqual(answers, [], 'no response to the cancelled request');
    } finally {
      await client.close();
    }
  });
});
