// Packaging cannot run here (it downloads Electron), so the config is validated instead:
// against electron-builder's own JSON schema, then for the security-relevant fields (issue 7).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { ROOT } from '../renderer/renderer-harness.js';

const SCHEMA = path.join(ROOT, 'node_modules/app-builder-lib/scheme.json');
// electron-builder's own check (its scheme.json), resolved from electron-builder so the
// version is exactly the one that would package.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config') as { validateConfiguration: (c: unknown, log: unknown) => Promise<void> };
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
type Config = Record<string, unknown> & {
  appId?: string;
  electronFuses?: Record<string, boolean>;
  mac?: Record<string, unknown> & { extendInfo?: Record<string, unknown>; target?: unknown[] };
  linux?: { target?: unknown[]; icon?: string };
  win?: { target?: unknown[]; icon?: string };
  extends?: string;
};

const load = (file: string): Config => parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Config;
const prod = load('electron-builder.yml');
const test = load('electron-builder.test.yml');

async function validate(config: Config): Promise<string[]> {
  try {
    await validateConfiguration(config, new DebugLogger(false));
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's JSON schema", { skip: fs.existsSync(SCHEMA) ? false : 'app-builder-lib/scheme.json not installed' }, async () => {
    assert.deepEqual(await validate(prod), []);
    assert.deepEqual(await validate(test), []);
    // The schema really checks: an unknown fuse is refused.
    assert.notDeepEqual(await validate({ ...prod, electronFuses: { ...prod.electronFuses, runAsNod: false } }), []);
  });

  it('sets the fuses: RunAsNode, NodeOptions, NodeCliInspect off; asar integrity and OnlyLoadAppFromAsar on', () => {
    assert.deepEqual(
      { ...prod.electronFuses },
      { ...prod.electronFuses, runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true },
    );
    assert.equal(prod['asar'], true);
  });

  it('is a menu-bar app on macOS with the hardened runtime and entitlements', () => {
    assert.match(prod.appId ?? '', /^[a-z]+(\.[a-z0-9-]+)+$/);
    assert.equal(prod.mac?.extendInfo?.['LSUIElement'], true);
    assert.equal(prod.mac?.['hardenedRuntime'], true);
    const entitlements = String(prod.mac?.['entitlements']);
    const plist = fs.readFileSync(path.join(ROOT, entitlements), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    // Security: only JIT and outgoing network; none of the entitlements that would undo the hardened runtime.
    assert.deepEqual(keys.sort(), ['com.apple.security.cs.allow-jit', 'com.apple.security.network.client']);
  });

  it('builds dmg + zip, AppImage + deb and nsis, with icons that exist', () => {
    assert.deepEqual(prod.mac?.target, [{ target: 'dmg', arch: 'universal' }, { target: 'zip', arch: 'universal' }]);
    assert.deepEqual(prod.linux?.target, ['AppImage', 'deb']);
    assert.deepEqual(prod.win?.target, ['nsis']);
    for (const icon of [prod.mac?.['icon'], prod.linux?.icon, prod.win?.icon]) assert.ok(fs.existsSync(path.join(ROOT, String(icon))), String(icon));
    for (const state of ['locked', 'unlocked', 'pending']) {
      for (const suffix of ['', '@2x']) {
        assert.ok(fs.existsSync(path.join(ROOT, `assets/tray-${state}Template${suffix}.png`)), `${state}${suffix}`);
        assert.ok(fs.existsSync(path.join(ROOT, `assets/tray-${state}${suffix}.png`)), `${state}${suffix} (Windows/Linux)`);
      }
    }
  });

  it('the test build differs only by keeping inspect on (for Playwright)', () => {
    assert.equal(test.extends, './electron-builder.yml');
    assert.deepEqual(test.electronFuses, { ...prod.electronFuses, enableNodeCliInspectArguments: true });
    assert.notEqual(test.appId, prod.appId);
  });

  it('npm run dist is documented and builds first', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts['dist'] ?? '', /build.*electron-builder/);
  });

  it("the .deb depends on electron-builder's own default list plus libsecret, not libsecret alone", () => {
    const FpmTarget = (fromBuilder('app-builder-lib/out/targets/FpmTarget') as { default: { prototype: { getDefaultDepends(target: string): string[] } } }).default;
    const defaults = FpmTarget.prototype.getDefaultDepends.call(undefined, 'deb');
    assert.ok(defaults.includes('libgtk-3-0') && defaults.includes('libnss3'), `electron-builder's defaults: ${defaults.join(', ')}`);
    const depends = (prod['deb'] as { depends?: string[] } | undefined)?.depends ?? defaults;
    for (const d of [...defaults, 'libsecret-1-0']) assert.ok(depends.includes(d), `deb.depends lacks ${d}`);
  });

  it('builds one universal macOS app, letting the per-CPU keychain addons through the merge', () => {
    const targets = prod.mac?.target as { target: string; arch: string }[];
    for (const t of targets) assert.equal(t.arch, 'universal', t.target);
    const rule = String(prod.mac?.['x64ArchFiles']);
    const { minimatch } = fromBuilder('minimatch') as { minimatch: (p: string, pattern: string, o: object) => boolean };
    // What @electron/universal tests each identical Mach-O file against (matchBase, as it does).
    for (const cpu of ['x64', 'arm64']) assert.ok(minimatch(`Contents/Resources/app.asar.unpacked/node_modules/@napi-rs/keyring-darwin-${cpu}/keyring.darwin-${cpu}.node`, rule, { matchBase: true }), cpu);
    assert.ok(!minimatch('Contents/Frameworks/Electron Framework.framework/Electron Framework', rule, { matchBase: true }), 'the rule does not match the Electron framework binary');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts['dist:mac'], 'node scripts/dist-mac.mjs');
  });

  it('docs/PACKAGING.md names the signing and notarization variables and what happens without them', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/PACKAGING.md'), 'utf8');
    for (const v of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD']) {
      assert.match(doc, new RegExp(`\\b${v}\\b`), v);
    }
    assert.match(doc, /## Without them/);
  });

  it('packs the tray icons for every OS and the extension icon as resources', () => {
    const filter = (prod['extraResources'] as { filter: string[] }[])[0]!.filter;
    assert.deepEqual(filter, ['tray-*.png', 'icon.png']);
  });
});
