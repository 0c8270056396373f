import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findKeybrokerInstall } from '../../../src/cli/claude/package-root.js';
import { CliError } from '../../../src/cli/cli-error.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('findKeybrokerInstall()', () => {
  it('walks up to the keybroker package and names its bin, CommonJS bridge build, icon and version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(findKeybrokerInstall(import.meta.dirname), {
      root: ROOT,
      bin: path.join(ROOT, 'bin', 'keybroker.js'),
      bridge: path.join(ROOT, 'dist', 'cli', 'bridge.cjs'),
      icon: path.join(ROOT, 'assets', 'icon.png'),
      version: pkg.version,
    });
  });

  it('skips a package.json of another package on the way up', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-root-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "other"}');
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.writeFileSync(path.join(dir, 'bin', 'keybroker.js'), '');
      assert.throws(() => findKeybrokerInstall(dir), (e: Error) => e instanceof CliError && /cannot find the KeyBroker package folder above/.test(e.message));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the packaged app (app.asar: package.json and dist/, no bin/) and its icon among the resources', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-root-'));
    try {
      const app = path.join(dir, 'resources', 'app.asar');
      fs.mkdirSync(path.join(app, 'dist', 'cli'), { recursive: true });
      fs.writeFileSync(path.join(app, 'package.json'), '{"name": "keybroker", "version": "9.9.9"}');
      fs.writeFileSync(path.join(app, 'dist', 'cli', 'bridge.cjs'), '');
      const real = fs.realpathSync(app);
      assert.deepEqual(findKeybrokerInstall(path.join(app, 'dist', 'cli')), {
        root: real, bin: undefined, bridge: path.join(real, 'dist', 'cli', 'bridge.cjs'), icon: path.join(path.dirname(real), 'assets', 'icon.png'), version: '9.9.9',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
