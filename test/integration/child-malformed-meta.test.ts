// Round 11 (D210): a compromised child answers a call with a result whose
// `_meta.progressToken` is neither a string nor an integer. Our frame check used to pass it (it
// reads `_meta` only as an object), the MCP SDK's own guard then dropped it without a word, and the
// caller waited out the gateway's 10-minute deadline (the SDK client's own 60 s first). Real
// parts: `keybroker serve`, the compromised child (test/fixtures/compromised-child.mjs, `--mcp`:
// it answers with the bytes the test gives it), the real bridge and the SDK's Client.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { readAudit } from '../support/audit-file.js';
import { startEvilServe } from '../support/evil-serve.js';
import { until } from '../support/wait.js';

const textOf = (r: CallToolResult) => (r.content[0] as { text: string }).text;
/** A frame answering the call (`$ID` is the host's request id) with `result`. */
const answer = (result: unknown) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":${JSON.stringify(result)}}}\n`;

describe('a child result with a malformed _meta (D210)', () => {
  let home: string;
  let client: Client;
  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    ({ home, client, stop } = await startEvilServe('kb-meta-'));
  });

  after(() => stop?.());

  it('ends the call at once with one clear error, and audits the dropped frame as invalid', async () => {
    const bad: unknown[] = [{ x: 1 }, 1.5, true, null, []];
    for (const [i, token] of bad.entries()) {
      const r = (await client.callTool({ name: 'evil_answer', arguments: { raw: answer({ content: [{ type: 'text', text: 'never seen' }], _meta: { progressToken: token } }) } })) as CallToolResult;
      assert.equal(r.isError, true, `progressToken ${JSON.stringify(token)}: the call fails`);
      assert.equal(textOf(r), "the evil server answered with a malformed result (_meta.progressToken must be a string or an integer), which was dropped; the fault is the server's, not the call's: `keybroker audit` shows it as frame.invalid", `progressToken ${JSON.stringify(token)}`);
      await until(`the dropped frame ${i + 1} to be audited`, () => readAudit(home).filter((a) => a.event === 'frame.invalid' && a.server === 'evil' && /malformed _meta/.test(a.reason ?? '')).length === i + 1);
    }
    const failed = readAudit(home).filter((a) => a.event === 'tool.called' && a.tool === 'evil_answer');
    assert.deepEqual(failed.map((a) => a.outcome), bad.map(() => 'failed'), 'each call audited once, failed');
  });

  it('passes a result whose _meta the SDK accepts (a string or an integer progressToken, other keys)', async () => {
    for (const meta of [{ progressToken: 'p-1' }, { progressToken: 7 }, { 'example.com/note': { any: 'thing' } }]) {
      const r = (await client.callTool({ name: 'evil_answer', arguments: { raw: answer({ content: [{ type: 'text', text: 'fine' }], _meta: meta }) } })) as CallToolResult;
      assert.equal(r.isError, undefined, `_meta ${JSON.stringify(meta)}: not an error`);
      assert.equal(textOf(r), 'fine', `_meta ${JSON.stringify(meta)}: the child's answer`);
    }
  });
});
