// Tool definitions are pinned by users' gateways (D-tool-pins): a changed name, title,
// description, schema or annotation trips every pin and asks each user to approve again. This
// test fingerprints both servers' `tools/list` and `instructions` so such a change is never an
// accident of a refactor (issue 13: the toolkit moved every tool and changed none). Changing a
// definition on purpose: update the fingerprint here and say so in CHANGELOG.md.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Emitter } from '../../src/base/events/emitter.js';
import { createServer as createP6Server } from '../../src/mcp/p6/server.js';
import { canonicalJson } from '../../src/mcp/runtime/plan/canonical-json.js';
import type { TokenSource } from '../../src/mcp/runtime/token-source.js';
import type { ServerInstance } from '../../src/mcp/runtime/run-server.js';
import { createServer as createVsphereServer } from '../../src/mcp/vsphere/server.js';
import { connectInMemory } from '../support/in-memory-mcp-client.js';

const tokens: TokenSource = {
  get: () => Promise.reject(new Error('not used')),
  renew: () => Promise.reject(new Error('not used')),
  onDidRevoke: new Emitter<string>().event,
  listEndpoints: async () => [],
};

const EXPECTED = {
  vsphere: { tools: 32, fingerprint: '5d57669f1f02b8453304f4498ffaa5eac4d261f51ae74aba6b921df015471567' },
  p6: { tools: 20, fingerprint: '6411da4e13ddf79a39dd97423fcab42d7272a9efac79a5fd3469a20dec9c0feb' },
};

async function fingerprint(instance: ServerInstance): Promise<{ tools: number; fingerprint: string }> {
  const c = await connectInMemory(instance);
  try {
    const { tools } = await c.client.listTools();
    const text = canonicalJson({ instructions: c.client.getInstructions(), tools: tools.map((t) => ({ ...t })) });
    return { tools: tools.length, fingerprint: crypto.createHash('sha256').update(text).digest('hex') };
  } finally {
    await c.close();
  }
}

describe('tool definitions (pinned by users)', () => {
  it('the vSphere server presents the same tools, word for word', async () => {
    assert.deepEqual(await fingerprint(createVsphereServer({ tokens })), EXPECTED.vsphere);
  });

  it('the P6 server presents the same tools, word for word', async () => {
    assert.deepEqual(await fingerprint(createP6Server({ tokens })), EXPECTED.p6);
  });
});
