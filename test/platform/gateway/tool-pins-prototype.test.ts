// Security (issue 13 review): server names key plain objects in tool-pins.json and
// tool-manifest.json. A server whose name is an Object.prototype member (`constructor`, which
// ServerName now also refuses) must read as "nothing pinned", never as the prototype's member.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ServerName } from '../../../src/base/contracts/gateway-handshake.js';
import { ToolManifests } from '../../../src/platform/gateway/tool-manifest.js';
import { ToolPins } from '../../../src/platform/gateway/tool-pins.js';

const tools: Tool[] = [{ name: 'demo_read', description: 'Reads', inputSchema: { type: 'object' } }];

describe('tool pins and manifests keyed by a prototype member', () => {
  it('a first observe of server "constructor" pins its set, and a second sees no change', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-pins-'));
    try {
      const pins = new ToolPins(path.join(dir, 'tool-pins.json'));
      assert.equal(pins.get('constructor'), undefined);
      assert.equal(pins.get('toString'), undefined);
      const first = pins.observe('constructor', tools, 1);
      assert.equal(first.first, true);
      assert.equal(pins.observe('constructor', tools, 2).changed, undefined);
      const manifests = new ToolManifests(dir);
      manifests.write('vsphere', 'k', { tools });
      assert.equal(manifests.read('constructor', 'k'), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ServerName refuses a prototype member with one line', () => {
    const r = ServerName.safeParse('constructor');
    assert.ok(!r.success, 'the server name constructor is refused');
    assert.equal(r.error.issues[0]?.message, 'server name "constructor" is reserved; choose another name');
    assert.ok(ServerName.safeParse('vsphere').success, 'an ordinary server name is taken');
  });
});
