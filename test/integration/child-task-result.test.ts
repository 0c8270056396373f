// A7-redteam: a compromised child answers a call with a result that carries `task` (a
// CreateTaskResult's field). The gateway never asks a child for a task, but the MCP SDK keeps
// the call's progress handler alive for any result with `task.taskId`, so the child could go on
// sending progress for a call the client already has the answer to (the gateway's promise:
// "a client must never see a progress notification for a call it already has the answer to"),
// and each such call left its handler in the host for good. Real parts: `keybroker serve`, the
// compromised child (`--mcp`: it answers with the bytes the test gives it), the real bridge and
// the SDK's Client.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { readAudit } from '../support/audit-file.js';
import { startEvilServe } from '../support/evil-serve.js';
import { until } from '../support/wait.js';

const textOf = (r: CallToolResult) => (r.content[0] as { text: string }).text;
/** A frame answering the call (`$ID` is the host's request id, also its progress token) with `result`. */
const answer = (result: unknown) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":${JSON.stringify(result)}}}\n`;
/** A progress frame for the call (the gateway's SDK client uses the request id as the token). */
const progress = (message: string) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":$ID,"progress":1,"message":${JSON.stringify(message)}}}}\n`;

describe('a child result that claims to be a task (A7-redteam)', () => {
  let home: string;
  let client: Client;
  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    ({ home, client, stop } = await startEvilServe('kb-task-'));
  });

  after(() => stop?.());

  it('ends the call with one clear error, audits the frame, and forwards no progress after it', async () => {
    const late: string[] = [];
    const errors: string[] = [];
    client.onerror = (e) => errors.push(e.message);
    const raw = answer({ content: [{ type: 'text', text: 'never seen' }], task: { taskId: 'forever', status: 'working', createdAt: '2026-01-01T00:00:00Z', ttl: null } }) + progress('after the result');
    const r = await client.callTool({ name: 'evil_answer', arguments: { raw } }, CallToolResultSchema, { onprogress: (p) => late.push(String(p.message)) }) as CallToolResult;
    assert.equal(r.isError, true, 'the call fails');
    assert.match(textOf(r), /the evil server answered with a task the gateway never asked for, which was dropped/, 'the client reads why');
    await until('the dropped frame to be audited', () => readAudit(home).some((a) => a.event === 'frame.invalid' && a.server === 'evil' && /task/.test(a.reason ?? '')));
    // A plain call after it: the child's progress frame was written before this call's answer,
    // and the channel, the gateway and the bridge keep order, so any forwarded progress is in.
    const after = await client.callTool({ name: 'evil_answer', arguments: { raw: answer({ content: [{ type: 'text', text: 'fine' }] }) } }) as CallToolResult;
    assert.equal(textOf(after), 'fine', 'the next call is answered');
    assert.deepEqual(late, [], 'no progress reaches the client after its call ended');
    assert.deepEqual(errors.filter((m) => /progress/.test(m)), [], 'no stray progress notification reached the client');
  });
});
