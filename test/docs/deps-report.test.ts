import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const docs = path.join(root, 'docs');
const REPORT_FILES = ['DEPENDENCIES.md', 'dependency-report.json'] as const;
const STALE = 'is stale; run `npm run deps:report` and commit the result';

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
interface CdxComponent {
  'bom-ref': string;
  properties?: { name: string; value: string }[];
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const pkg = readJson<PackageJson>(path.join(root, 'package.json'));
const lockFile = path.join(root, 'package-lock.json');

/** Exact semver only: no ^, ~, ranges, x, tags, URLs, git or file specs. */
const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

describe('dependency report (docs/DEPENDENCIES.md, docs/dependency-report.json)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-deps-report-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('names the current package-lock.json by its SHA-256', () => {
    const sha = crypto.createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex');
    const md = fs.readFileSync(path.join(docs, 'DEPENDENCIES.md'), 'utf8');
    assert.ok(md.includes(`(SHA-256 \`${sha}\`)`), `docs/DEPENDENCIES.md was made from another package-lock.json: it ${STALE}`);
  });

  it('is byte-for-byte what the generator makes from the current lockfile', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'deps-report.mjs'), '--out', tmp], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `scripts/deps-report.mjs failed: ${r.stderr}`);
    for (const name of REPORT_FILES) {
      const committed = fs.readFileSync(path.join(docs, name));
      const fresh = fs.readFileSync(path.join(tmp, name));
      assert.ok(committed.equals(fresh), `docs/${name} ${STALE}`);
    }
  });

  it('covers every direct dependency, runtime and dev, with dev tooling marked as such', () => {
    const bom = readJson<{ components: CdxComponent[]; serialNumber?: string; metadata: { timestamp?: string; component: { name: string } } }>(
      path.join(docs, 'dependency-report.json'),
    );
    assert.equal(bom.serialNumber, undefined, 'volatile serialNumber must be stripped');
    assert.equal(bom.metadata.timestamp, undefined, 'volatile timestamp must be stripped');
    assert.equal(bom.metadata.component.name, pkg.name);
    const isDev = new Map(bom.components.map((c) => [c['bom-ref'], (c.properties ?? []).some((p) => p.name === 'cdx:npm:package:development')]));
    for (const [name, version] of Object.entries(pkg.dependencies ?? {})) assert.equal(isDev.get(`${name}@${version}`), false, `${name}@${version} listed as runtime`);
    for (const [name, version] of Object.entries(pkg.devDependencies ?? {})) assert.equal(isDev.get(`${name}@${version}`), true, `${name}@${version} listed as dev`);
  });
});

describe('package.json pins', () => {
  it('pins every dependency to an exact version', () => {
    const loose: string[] = [];
    for (const section of SECTIONS) {
      for (const [name, spec] of Object.entries(pkg[section] ?? {})) if (!EXACT.test(spec)) loose.push(`${section}.${name}: "${spec}"`);
    }
    assert.deepEqual(loose, [], 'pin these to an exact version (no ^, ~, ranges, tags or URLs), then npm install');
  });

  it('has a package-lock.json whose root and installed versions match package.json', () => {
    assert.ok(fs.existsSync(lockFile), 'package-lock.json is missing; run npm install and commit it');
    const lock = readJson<{ lockfileVersion: number; packages: Record<string, LockEntry> }>(lockFile);
    assert.ok(lock.lockfileVersion >= 2, 'package-lock.json is too old to list packages; regenerate it with npm 7 or later');
    const rootEntry = lock.packages[''];
    assert.ok(rootEntry, 'package-lock.json has no root package entry');
    for (const section of SECTIONS) {
      assert.deepEqual(rootEntry[section] ?? {}, pkg[section] ?? {}, `package-lock.json ${section} differ from package.json; run npm install`);
      for (const [name, version] of Object.entries(pkg[section] ?? {})) {
        assert.equal(lock.packages[`node_modules/${name}`]?.version, version, `package-lock.json resolves ${name} to another version; run npm install`);
      }
    }
  });
});
