// The built-in servers' JSON Schema validator (src/mcp/runtime/refuse-elicitation.ts): the
// vSphere and P6 servers give the SDK one that refuses every schema instead of building Ajv
// they never use, so even a well-formed elicitation answer is never taken unchecked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createServer as createP6Server } from '../../../src/mcp/p6/server.js';
import { refuseElicitation } from '../../../src/mcp/runtime/refuse-elicitation.js';
import type { ServerInstance } from '../../../src/mcp/runtime/run-server.js';
import type { TokenSource } from '../../../src/mcp/runtime/token-source.js';
import { createServer as createVsphereServer } from '../../../src/mcp/vsphere/server.js';

/** Never asked for a session: no tool is called in these tests. */
const noTokens: TokenSource = {
  get: () => Promise.reject(new Error('no session in this test')),
  renew: () => Promise.reject(new Error('no session in this test')),
  onDidRevoke: () => ({ dispose: () => undefined }),
  listEndpoints: async () => [],
};

const servers: Record<string, () => ServerInstance & { server: McpServer }> = {
  vSphere: () => createVsphereServer({ tokens: noTokens }),
  P6: () => createP6Server({ tokens: undefined }),
};

describe('the built-in servers and elicitation', () => {
  it('refuses every schema, whatever the input', () => {
    const check = refuseElicitation.getValidator({ type: 'object' });
    for (const input of [{}, { name: 'x' }, null, 'text']) {
      const r = check(input);
      assert.equal(r.valid, false);
      assert.match(r.errorMessage ?? '', /does not ask clients for input/);
    }
  });

  for (const [name, create] of Object.entries(servers)) {
    it(`${name}: fails an elicitation whose answer matches the schema, instead of accepting it unchecked`, async () => {
      const instance = create();
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: 'test', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'x' } }));
      try {
        await Promise.all([instance.server.connect(serverSide), client.connect(clientSide)]);
        await assert.rejects(
          instance.server.server.elicitInput({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }),
          /does not match requested schema: this server does not ask clients for input/,
        );
      } finally {
        await client.close();
        await instance.dispose();
      }
    });
  }
});
