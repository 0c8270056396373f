import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildMcpb } from '../../../src/cli/claude/build-mcpb.js';
import { McpbManifestV03 } from './mcpb-manifest-v0-3.js';
import { readZipWithPython } from './python-zip.js';

// The smallest valid PNG (1x1, transparent): the icon's bytes only need to survive the trip.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('buildMcpb()', () => {
  it('includes the icon at the bundle root and names it in the manifest when there is one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-mcpb-icon-'));
    try {
      const file = path.join(dir, 'b.mcpb');
      fs.writeFileSync(file, buildMcpb({ server: 'p6', version: '1.2.3', bridge: Buffer.from('x'), icon: PNG, mtime: new Date() }));
      const members = readZipWithPython(file);
      assert.deepEqual(members.map((m) => m.name), ['manifest.json', 'server/bridge.cjs', 'icon.png']);
      assert.deepEqual(members[2]!.data, PNG);
      const manifest = McpbManifestV03.parse(JSON.parse(members[0]!.data.toString('utf8')));
      assert.deepEqual([manifest.icon, manifest.version, manifest.display_name], ['icon.png', '1.2.3', 'KeyBroker Primavera P6']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the icon out of the manifest when there is none', () => {
    const bytes = buildMcpb({ server: 'vsphere', version: '0.1.0', bridge: Buffer.from('x'), mtime: new Date() });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-mcpb-noicon-'));
    try {
      fs.writeFileSync(path.join(dir, 'b.mcpb'), bytes);
      const members = readZipWithPython(path.join(dir, 'b.mcpb'));
      assert.deepEqual(members.map((m) => m.name), ['manifest.json', 'server/bridge.cjs']);
      assert.equal('icon' in JSON.parse(members[0]!.data.toString('utf8')), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
