// The dependency report the vSphere seed promises (docs/DEPENDENCIES.md for people,
// docs/dependency-report.json for tools), covering what ships AND the dev toolchain, since
// a compromised build tool reaches users as surely as a runtime package.
//
// Source of truth: package-lock.json through `npm sbom --package-lock-only` (CycloneDX 1.5).
// Lockfile-only reads neither node_modules nor the network, so the report depends only
// on package.json and the lockfile. npm's output is then normalised so that the same
// lockfile always gives the same bytes and a test can detect a stale report:
// - serialNumber and metadata.timestamp are random / the current time: dropped;
// - the npm version in metadata.tools changes with every npm update: dropped;
// - npm names the root component after the checkout folder, not package.json: fixed;
// - components and dependency edges are sorted, independent of the tree's layout.
// A future npm major may still word the SBOM differently; the test then asks to regenerate.
//
// Usage: node scripts/deps-report.mjs [--out DIR]   (default DIR: docs/)
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const JSON_NAME = 'dependency-report.json';
export const MD_NAME = 'DEPENDENCIES.md';

/** One line on why each direct dependency is here. A new dependency shows "—" until added. */
export const PURPOSES = {
  '@modelcontextprotocol/sdk': 'MCP protocol: the vSphere and P6 servers, the gateway and the bridge.',
  '@napi-rs/keyring': 'OS keychain access (macOS Keychain, Secret Service, Windows Credential Manager).',
  '@opentelemetry/api': 'OpenTelemetry API: the peer the logs SDK is built on (audit export, issue 14).',
  '@opentelemetry/api-logs': 'OpenTelemetry logs API: the log record and severity types audit records are mapped to.',
  '@opentelemetry/core': 'OpenTelemetry core: export result codes of the live audit exporter.',
  '@opentelemetry/exporter-logs-otlp-http': 'OTLP/HTTP (JSON) log exporter: live export of the audit trail to a collector (`audit.otlp`).',
  '@opentelemetry/otlp-transformer': 'OTLP JSON serializer: `keybroker audit export --format otlp` writes what the live exporter sends.',
  '@opentelemetry/resources': 'OpenTelemetry resource (`service.name`) of exported audit records.',
  '@opentelemetry/sdk-logs': 'OpenTelemetry logs SDK: LoggerProvider and processors behind the audit export.',
  'fast-xml-parser': 'Reference XML parser the vSphere XML reader is differentially tested against.',
  undici: 'HTTPS client for upstream logins and API calls, with per-endpoint TLS settings.',
  zod: 'Schemas for every contract: config, child frames, IPC, audit records.',
  '@eslint/js': "ESLint's recommended JavaScript rules.",
  '@stryker-mutator/core': 'Mutation testing of the security-critical areas (`npm run mutation -- AREA`; not in `npm test`).',
  '@stryker-mutator/tap-runner': "StrykerJS plugin that runs each node:test file as a TAP process, with per-file coverage.",
  '@types/node': 'Type definitions for the Node 20 API.',
  electron: 'Desktop runtime (tray, windows, utilityProcess); its binary ships inside the packaged app.',
  'electron-builder': 'Packages and signs the desktop app.',
  esbuild: 'Bundles each process entry point into dist/.',
  eslint: 'Linter, including the layer rules from DESIGN.md.',
  'eslint-import-resolver-typescript': 'Resolves TypeScript imports for the import rules.',
  'eslint-plugin-import-x': 'Import rules: layering (no-restricted-paths), no default exports.',
  'fast-check': 'Property-based tests.',
  globals: 'Global-variable sets (node, browser) for ESLint.',
  'playwright-core': 'Drives Chromium (renderer tests) and Electron (app tests).',
  tsx: 'Runs the TypeScript tests under node:test.',
  typescript: 'Type checker.',
  'typescript-eslint': 'TypeScript parser and rules for ESLint.',
};

const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** How to run npm: the one running this script if it is npm, else `npm` from PATH. */
function npmCommand(args) {
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.c?js$/.test(execPath)) return [process.execPath, [execPath, ...args]];
  return ['npm', args];
}

/** npm's CycloneDX SBOM of the whole lockfile, prod and dev. */
function npmSbom(root) {
  const [cmd, args] = npmCommand(['sbom', '--sbom-format', 'cyclonedx', '--package-lock-only', '--offline']);
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, shell: process.platform === 'win32' });
  if (r.error) throw new Error(`could not run npm (${r.error.message}); put npm 11 on PATH and retry`);
  if (r.status !== 0) {
    throw new Error(`npm sbom failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}; run 'npm install' if package-lock.json is missing or out of date`);
  }
  return JSON.parse(r.stdout);
}

/** `npm sbom` output → the committed, byte-stable form. */
export function normaliseSbom(bom, pkg, lockSha256) {
  const out = structuredClone(bom);
  delete out.serialNumber;
  delete out.metadata.timestamp;
  out.metadata.tools = (out.metadata.tools ?? []).map(({ version: _version, ...tool }) => tool);
  out.metadata.component.name = pkg.name;
  out.metadata.properties = [{ name: 'keybroker:package-lock:sha256', value: lockSha256 }];
  out.components.sort((a, b) => byString(a['bom-ref'], b['bom-ref']));
  out.dependencies.sort((a, b) => byString(a.ref, b.ref));
  for (const d of out.dependencies) d.dependsOn.sort(byString);
  return out;
}

function licenseOf(component) {
  const parts = (component.licenses ?? []).map((l) => l.expression ?? l.license?.id ?? l.license?.name).filter(Boolean);
  return parts.length ? parts.join(' AND ') : 'UNKNOWN';
}

const isDev = (c) => (c.properties ?? []).some((p) => p.name === 'cdx:npm:package:development' && p.value === 'true');

/** runtime: ships; runtime (optional): ships on its platform only; dev: build and test tooling. */
function scopeOf(c) {
  if (isDev(c)) return 'dev';
  return c.scope === 'optional' ? 'runtime (optional)' : 'runtime';
}

const cell = (s) => String(s).replace(/\|/g, '\\|');
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

function directTable(deps, componentsByRef) {
  const rows = Object.entries(deps ?? {})
    .sort(([a], [b]) => byString(a, b))
    .map(([name, version]) => {
      const c = componentsByRef.get(`${name}@${version}`);
      return [`\`${name}\``, version, c ? licenseOf(c) : 'UNKNOWN', PURPOSES[name] ?? '—'];
    });
  return table(['Package', 'Version', 'License', 'Purpose'], rows);
}

/** The human report, built only from the normalised SBOM, package.json and the lockfile hash. */
export function renderMarkdown(bom, pkg, lockSha256) {
  const components = bom.components;
  const componentsByRef = new Map(components.map((c) => [c['bom-ref'], c]));
  const direct = new Set([...Object.entries(pkg.dependencies ?? {}), ...Object.entries(pkg.devDependencies ?? {})].map(([n, v]) => `${n}@${v}`));
  const counts = new Map();
  for (const c of components) {
    if (direct.has(c['bom-ref'])) continue;
    const license = licenseOf(c);
    const row = counts.get(license) ?? { runtime: 0, dev: 0 };
    row[isDev(c) ? 'dev' : 'runtime']++;
    counts.set(license, row);
  }
  const licenseRows = [...counts.entries()]
    .sort(([la, a], [lb, b]) => b.runtime + b.dev - (a.runtime + a.dev) || byString(la, lb))
    .map(([license, r]) => [license, r.runtime, r.dev, r.runtime + r.dev]);
  const transitive = licenseRows.reduce((n, r) => n + r[3], 0);
  const allRows = components.map((c) => [`\`${c.name}\``, c.version, licenseOf(c), scopeOf(c)]);
  return `# Dependencies

<!-- Generated by scripts/deps-report.mjs; do not edit by hand. -->

Generated from \`package-lock.json\` (SHA-256 \`${lockSha256}\`).
Regenerate with \`npm run deps:report\` after changing package-lock.json; the test suite fails while this file is stale.
The same data as CycloneDX 1.5 (from \`npm sbom\`): [${JSON_NAME}](${JSON_NAME}).

Every direct dependency is pinned to an exact version (checked by \`test/docs/deps-report.test.ts\`).
To answer "are we affected?" for an advisory, search the full table below for the package and version;
\`npm audit\` checks the whole tree against the registry's advisories.

Scopes: **runtime** ships with KeyBroker; **runtime (optional)** is a platform-specific binary that ships only
on its platform; **dev** is build, test and packaging tooling that does not ship (except Electron's binary,
which electron-builder packages as the app's runtime).

## Direct runtime dependencies

${directTable(pkg.dependencies, componentsByRef)}

## Direct dev dependencies

${directTable(pkg.devDependencies, componentsByRef)}

## Transitive packages by license (${transitive})

${table(['License', 'runtime', 'dev', 'total'], licenseRows)}

## All packages (${components.length})

${table(['Package', 'Version', 'License', 'Scope'], allRows)}
`;
}

/** Both report files' contents for the checkout at `root`. */
export function generateDependencyReport(root = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const lockSha256 = crypto.createHash('sha256').update(fs.readFileSync(path.join(root, 'package-lock.json'))).digest('hex');
  const bom = normaliseSbom(npmSbom(root), pkg, lockSha256);
  return { json: `${JSON.stringify(bom, null, 2)}\n`, markdown: renderMarkdown(bom, pkg, lockSha256) };
}

/** Write both files into `outDir` (default docs/). */
export function writeDependencyReport(root = ROOT, outDir = path.join(root, 'docs')) {
  const { json, markdown } = generateDependencyReport(root);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, JSON_NAME), json);
  fs.writeFileSync(path.join(outDir, MD_NAME), markdown);
  return { json: path.join(outDir, JSON_NAME), markdown: path.join(outDir, MD_NAME) };
}

function parseArgs(args) {
  let outDir;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out' && args[i + 1]) outDir = path.resolve(args[++i]);
    else return undefined;
  }
  return { outDir };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed) {
    console.error('usage: node scripts/deps-report.mjs [--out DIR]');
    process.exit(2);
  }
  const written = writeDependencyReport(ROOT, parsed.outDir);
  console.log(`wrote ${path.relative(process.cwd(), written.markdown)} and ${path.relative(process.cwd(), written.json)}`);
}
