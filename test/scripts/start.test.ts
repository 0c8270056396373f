// `npm start` where Electron's binary was never downloaded (issue 15 item 7): it never
// downloads behind a display-less machine's back, and where the tray app could run but the
// binary cannot be fetched it says exactly what to run. (`--help` makes the headless host it
// falls back to exit at once with its usage line.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { electronBinary } from '../../scripts/electron-binary.mjs';
import { ROOT } from '../renderer/renderer-harness.js';

const start = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [path.join(ROOT, 'scripts/start.mjs'), '--help'], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env }, encoding: 'utf8', timeout: 120_000 });
const nodeIsOld = (() => {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return major < 22 || (major === 22 && minor < 12);
})();

describe('npm start without an Electron binary', { skip: electronBinary(ROOT) ? 'an Electron binary is installed here' : false }, () => {
  it('with no display: runs the headless host and names the command that fetches Electron', () => {
    const r = start({});
    assert.match(r.stderr, /^keybroker: starting the headless host \(keybroker serve\): no Electron binary; to get it run node node_modules\/electron\/install\.js \(needs Node 22\.12 or later/m);
    assert.equal(fs.existsSync(path.join(ROOT, 'node_modules/electron/path.txt')), false, 'no download was attempted');
  });

  it('with a display but ELECTRON_SKIP_BINARY_DOWNLOAD set: says how to get it instead of downloading', () => {
    const r = start({ DISPLAY: ':99', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    assert.match(r.stderr, /no Electron binary and ELECTRON_SKIP_BINARY_DOWNLOAD is set; to get it unset the variable and run node node_modules\/electron\/install\.js/);
    assert.doesNotMatch(r.stderr, /downloading the Electron binary/);
  });

  it('with a display on Node older than 22.12: says Electron 45 needs Node 22.12 and what to run', { skip: nodeIsOld ? false : 'this Node is 22.12 or later (it would download)' }, () => {
    const r = start({ DISPLAY: ':99' });
    assert.match(r.stderr, new RegExp(`Electron 45's downloader needs Node 22\\.12 or later \\(this is ${process.versions.node.replaceAll('.', '\\.')}\\); install a newer Node and run node node_modules/electron/install\\.js`));
    assert.doesNotMatch(r.stderr, /downloading the Electron binary/);
  });
});
