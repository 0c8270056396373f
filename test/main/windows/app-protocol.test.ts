import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { appUrl, resolveAppPath } from '../../../src/main/windows/app-protocol.js';
import { registerAppProtocol } from '../../../src/main/windows/register-app-protocol.js';
import { FakeProtocol } from '../../mocks/electron.js';

const root = path.resolve('/srv/kb/renderer');

describe('resolveAppPath()', () => {
  it('maps our pages under the root', () => {
    assert.deepEqual(resolveAppPath(root, appUrl('popup.html')), { ok: true, file: path.join(root, 'popup.html'), contentType: 'text/html; charset=utf-8' });
    assert.equal(resolveAppPath(root, 'app://keybroker/popup.js?x=1').ok, true);
  });

  // The URL parser folds plain and %2e dot segments itself; whatever it yields stays under root.
  for (const url of ['app://keybroker/../secret.html', 'app://keybroker/%2e%2e/secret.html', 'app://keybroker/a/%2E%2E/%2E%2E/secret.js']) {
    it(`keeps ${url} inside the root`, () => {
      const r = resolveAppPath(root, url);
      assert.ok(!r.ok || r.file.startsWith(root + path.sep), JSON.stringify(r));
    });
  }

  for (const url of [
    'app://keybroker/%2e%2e%2fsecret.html',
    'app://keybroker/a/%2e%2e%2f%2e%2e%2fsecret.js',
    'app://keybroker/..%5csecret.js',
    'app://keybroker/%00.html',
    'app://other/popup.html',
    'https://keybroker/popup.html',
  ]) {
    it(`refuses ${url}`, () => {
      const r = resolveAppPath(root, url);
      assert.equal(r.ok, false);
    });
  }

  it('refuses file types we do not ship', () => {
    assert.deepEqual(resolveAppPath(root, 'app://keybroker/config.json'), { ok: false, status: 404 });
  });
});

describe('registerAppProtocol()', () => {
  it('serves files with the CSP header and 403s traversal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-proto-'));
    fs.writeFileSync(path.join(dir, 'popup.html'), '<p>hi</p>');
    fs.writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.html`), 'secret');
    const protocol = new FakeProtocol();
    const d = registerAppProtocol(protocol, dir);
    const ok = await protocol.fetch('app://keybroker/popup.html');
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), '<p>hi</p>');
    assert.match(ok.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
    const bad = await protocol.fetch(`app://keybroker/%2e%2e%2f${path.basename(dir)}-secret.html`);
    assert.equal(bad.status, 403);
    assert.equal((await protocol.fetch('app://keybroker/missing.html')).status, 404);
    d.dispose();
    assert.equal(protocol.handlers.size, 0);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${dir}-secret.html`, { force: true });
  });
});
