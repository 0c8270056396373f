// Which folders around node a child may read (D162): the rule both sandboxes use
// (bubblewrap's binds, macOS's profile), and macOS's layouts of node.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { macNodeReads, mayExposeWhole, within } from '../../../../src/platform/supervisor/sandbox/node-install.js';

describe('within()', () => {
  it('the folder itself or inside it; a lookalike sibling is not; a folder given with a trailing slash works', () => {
    assert.equal(within('/opt/node', '/opt/node'), true);
    assert.equal(within('/opt/node/bin', '/opt/node'), true);
    assert.equal(within('/opt/node-home', '/opt/node'), false);
    assert.equal(within('/opt', '/opt/node'), false);
    assert.equal(within('/opt/node/bin', '/opt/node/'), true);
    assert.equal(within('/anything', '/'), true);
  });
});

describe('mayExposeWhole()', () => {
  const hidden = ['/home/u', '/srv/kb'];
  it('Security: never /, a hidden folder, a folder holding one, or a folder inside one', () => {
    assert.equal(mayExposeWhole('/', []), false);
    assert.equal(mayExposeWhole('/home/u', hidden), false);
    assert.equal(mayExposeWhole('/home', hidden), false);
    assert.equal(mayExposeWhole('/home/u/dev', hidden), false);
    assert.equal(mayExposeWhole('/home/u/.nvm/versions/node/v22.0.0', hidden), false);
    assert.equal(mayExposeWhole('/srv', hidden), false);
  });
  it('any other folder, lookalike siblings included', () => {
    assert.equal(mayExposeWhole('/opt/node', hidden), true);
    assert.equal(mayExposeWhole('/home/u2', hidden), true);
    assert.equal(mayExposeWhole('/srv/kb2', hidden), true);
    assert.equal(mayExposeWhole('/opt/node', []), true);
  });
});

describe('macNodeReads()', () => {
  const hidden = ['/Users/ann'];
  it('the binary by both paths, once when they are the same', () => {
    assert.deepEqual(macNodeReads('/usr/local/bin/node', '/usr/local/bin/node', hidden), { literals: ['/usr/local/bin/node'], subpaths: [] });
    assert.deepEqual(macNodeReads('/a/bin/node', '/b/bin/node', hidden).literals, ['/a/bin/node', '/b/bin/node']);
  });
  it('Homebrew (by the real path): Cellar, opt and openssl@3\'s two folders of its prefix', () => {
    assert.deepEqual(macNodeReads('/opt/homebrew/bin/node', '/opt/homebrew/Cellar/node/23.3.0/bin/node', hidden).subpaths,
      ['/opt/homebrew/Cellar', '/opt/homebrew/opt', '/opt/homebrew/etc/openssl@3', '/opt/homebrew/etc/ca-certificates']);
    // A link named like a keg is not one: the real path decides.
    assert.deepEqual(macNodeReads('/opt/homebrew/Cellar/node/1/bin/node', '/opt/x/bin/node', hidden).subpaths, []);
  });
  it('an app bundle (by the real path): the outermost bundle\'s Contents; a bundle wins over a Cellar inside it', () => {
    assert.deepEqual(macNodeReads('/x', '/Applications/A.app/Contents/Frameworks/B.app/Contents/MacOS/B', hidden).subpaths, ['/Applications/A.app/Contents']);
    assert.deepEqual(macNodeReads('/x', '/Applications/A.app/Contents/Cellar/node/1/bin/node', hidden).subpaths, ['/Applications/A.app/Contents']);
    // A bundle's name must end in .app and be followed by Contents/.
    assert.deepEqual(macNodeReads('/x', '/Applications/A.apps/Contents/MacOS/A', hidden).subpaths, []);
    assert.deepEqual(macNodeReads('/x', '/Applications/A.app/MacOS/A', hidden).subpaths, []);
  });
  it('a relative path names no folder (only an absolute real path is a layout)', () => {
    assert.deepEqual(macNodeReads('x', 'x/A.app/Contents/MacOS/A', hidden), { literals: ['x', 'x/A.app/Contents/MacOS/A'], subpaths: [] });
    assert.deepEqual(macNodeReads('x', 'x/y/Cellar/node/1/bin/node', hidden).subpaths, []);
  });
  it('Security: a folder in, or holding, a hidden one is left out (the home, the KeyBroker home)', () => {
    assert.deepEqual(macNodeReads('/x', '/Users/ann/homebrew/Cellar/node/1/bin/node', hidden).subpaths, []);
    assert.deepEqual(macNodeReads('/x', '/Users/ann/Applications/A.app/Contents/MacOS/A', hidden).subpaths, []);
    assert.deepEqual(macNodeReads('/x', '/opt/homebrew/Cellar/node/1/bin/node', ['/opt/homebrew/etc/openssl@3/kb']).subpaths, ['/opt/homebrew/Cellar', '/opt/homebrew/opt', '/opt/homebrew/etc/ca-certificates']);
  });
});
