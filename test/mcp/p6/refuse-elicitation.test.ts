// The P6 server's JSON Schema validator (src/mcp/p6/refuse-elicitation.ts): the server gives
// the SDK one that refuses every schema instead of building Ajv it never uses, so even a
// well-formed elicitation answer is never taken unchecked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createServer } from '../../../src/mcp/p6/server.js';
import { refuseElicitation } from '../../../src/mcp/p6/refuse-elicitation.js';

describe('the P6 server and elicitation', () => {
  it('refuses every schema, whatever the input', () => {
    const check = refuseElicitation.getValidator({ type: 'object' });
    for (const input of [{}, { name: 'x' }, null, 'text']) {
      const r = check(input);
      assert.equal(r.valid, false);
      assert.match(r.errorMessage ?? '', /does not ask clients for input/);
    }
  });

  it('fails an elicitation whose answer matches the schema, instead of accepting it unchecked', async () => {
    const instance = createServer({ tokens: undefined });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'x' } }));
    try {
      await Promise.all([instance.server.connect(serverSide), client.connect(clientSide)]);
      await assert.rejects(
        instance.server.server.elicitInput({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }),
        /does not match requested schema: the P6 server does not ask clients for input/,
      );
    } finally {
      await client.close();
      await instance.dispose();
    }
  });
});
