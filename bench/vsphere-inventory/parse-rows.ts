// bench/vsphere-inventory, measuring aid for issue 17 item 2: the CPU of turning one saved
// RetrievePropertiesEx answer (PARSE_FILE, e.g. a 5,000-VM vcsim page) into rows, in
// 64 KiB pieces as undici delivers them, with this checkout's reader and, interleaved, with
// BENCH_BASE's (another checkout: its streaming reader as of then). Reports median CPU
// (user+sys) per parse and V8's GC count and time per parse (PerformanceObserver). Run:
//   PARSE_FILE=/tmp/vcsim-5000.xml node --import tsx bench/vsphere-inventory/parse-rows.ts
// PARSE_COLD=ours or base: one parse without warm-up, of that side only, in this process
// (under tsx; its figures include tsx's own warm-up of shared code).
// PARSE_COLD_RUNS=N: the one-shot's case, measured as it happens. Each side's scanner and
// reader are bundled with esbuild (as the one-shot is), and N fresh processes per side, run
// interleaved under the vSphere child's V8 flags, each parse the page once: medians of the
// parse's wall and CPU (all threads: V8 compiles on background threads, and on 2 loaded cores
// that is most of what a cold parse costs beyond the main thread) and of the whole process's CPU.
// PARSE_FLAGS='--flag;--flag2 --flag3' (with PARSE_COLD_RUNS): one more side per set of V8
// flags, this checkout run with them after the child's.
// PARSE_SAVE=FILE (with PARSE_FILE=FILE): first save the page from a 5,000-VM vcsim, the
// one-shot's RetrievePropertiesEx (VMs with the one-shot's six paths) as the server sent it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { createUpstreamDispatcher, moRefElement, xmlElement, vsphereLogin, vsphereLogout } from '../../src/connectors/vsphere/index.js';
import { containerViewSpecXml, retrieveOptionsXml } from '../../src/connectors/vsphere/client/property-spec-xml.js';
import { buildSoapEnvelope } from '../../src/connectors/vsphere/soap/soap-envelope.js';
import { startVcsim } from '../../test/support/vcsim.js';

/** Saves one raw RetrievePropertiesEx answer of a 5,000-VM vcsim (see PARSE_SAVE). */
async function savePage(file: string): Promise<void> {
  const password = randomBytes(12).toString('base64url');
  const vcsim = await startVcsim({ vms: 1250, clusters: 3, hosts: 3, standalone: 1, username: 'bench', password });
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
  try {
    const session = await vsphereLogin({ url: vcsim.url, username: 'bench', password, dispatcher });
    const sc = session.serviceContent;
    const call = async (method: string, thisRef: { type: string; value: string }, params: string) => {
      const headers = { 'content-type': 'text/xml; charset="utf-8"', soapaction: `urn:vim25/${sc.apiVersion}`, cookie: `vmware_soap_session="${session.cookie}"` };
      return (await request(vcsim.url, { method: 'POST', dispatcher, headers, body: buildSoapEnvelope(method, thisRef, params) })).body.text();
    };
    const created = await call('CreateContainerView', sc.viewManager!, moRefElement('container', sc.rootFolder!) + xmlElement('type', 'VirtualMachine') + '<recursive>true</recursive>');
    const view = /<returnval type="ContainerView">([^<]+)</.exec(created)?.[1];
    if (!view) throw new Error('vcsim made no view');
    const paths = ['name', 'runtime.powerState', 'summary.config.numCpu', 'summary.config.memorySizeMB', 'guest.ipAddress', 'runtime.host'];
    fs.writeFileSync(file, await call('RetrievePropertiesEx', sc.propertyCollector!, containerViewSpecXml({ type: 'ContainerView', value: view }, ['VirtualMachine'], paths) + retrieveOptionsXml(1000)));
    await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher, serviceContent: sc });
  } finally {
    await dispatcher.close();
    await vcsim.stop();
  }
}

/** The entry of a cold-parse process: one parse of PARSE_FILE with CHECKOUT's scanner and reader. */
const COLD_ENTRY = `
import fs from 'node:fs';
import { XmlStreamScanner } from 'CHECKOUT/src/connectors/vsphere/soap/xml-scanner.ts';
import { retrieveResultReader } from 'CHECKOUT/src/connectors/vsphere/client/retrieve-result-reader.ts';
const bytes = fs.readFileSync(process.env.PARSE_FILE);
const pieces = [];
for (let i = 0; i < bytes.length; i += 65536) pieces.push(Buffer.from(bytes.subarray(i, i + 65536)));
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const reader = retrieveResultReader();
const scanner = new XmlStreamScanner({ capture: reader.capture });
const decoder = new TextDecoder('utf-8');
for (const p of pieces) if (!scanner.write(decoder.decode(p, { stream: true }))) throw new Error('refused');
const rows = reader.result(scanner.end().children[0].children[0]).objects.length;
const wall = Number(process.hrtime.bigint() - t0) / 1e6;
const c = process.cpuUsage(c0);
process.on('exit', () => {
  const all = process.cpuUsage();
  console.log(JSON.stringify({ rows, wall, cpu: (c.user + c.system) / 1000, process: (all.user + all.system) / 1000 }));
});
`;

/** PARSE_COLD_RUNS: fresh processes per side, interleaved (see the top of this file). */
async function coldRuns(file: string, runs: number, sides: { label: string; root: string; flags?: readonly string[] }[]): Promise<void> {
  const { build } = await import('esbuild');
  const { VSPHERE_SERVER_FLAGS } = await import('../../src/platform/kinds/server-flags.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-parse-cold-'));
  try {
    const bundles: string[] = [];
    for (const [k, side] of sides.entries()) {
      const entry = path.join(dir, `entry-${k}.ts`);
      fs.writeFileSync(entry, COLD_ENTRY.replaceAll('CHECKOUT', side.root));
      const outfile = path.join(dir, `parse-${k}.cjs`);
      await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
      bundles.push(outfile);
    }
    const results: { wall: number; cpu: number; process: number }[][] = sides.map(() => []);
    for (let i = 0; i < runs; i++) {
      for (const k of i % 2 ? [...sides.keys()].reverse() : [...sides.keys()]) {
        const r = spawnSync(process.execPath, [...VSPHERE_SERVER_FLAGS, ...(sides[k]!.flags ?? []), bundles[k]!], { env: { ...process.env, PARSE_FILE: file }, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${sides[k]!.label}: ${r.stderr}`);
        const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rows: number; wall: number; cpu: number; process: number };
        if (out.rows !== 5000 && i === 0) console.log(`${sides[k]!.label}: ${out.rows} rows`);
        results[k]!.push(out);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const [k, side] of sides.entries()) {
      const r = results[k]!;
      const show = (f: (x: (typeof r)[number]) => number) => `${med(r.map(f)).toFixed(1)} (min ${Math.min(...r.map(f)).toFixed(1)})`;
      console.log(`${side.label.padEnd(14)} cold, ${runs} processes: parse wall ${show((x) => x.wall)} ms, parse CPU ${show((x) => x.cpu)} ms, process CPU ${show((x) => x.process)} ms`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const FILE = process.env['PARSE_FILE'];
if (!FILE) throw new Error('PARSE_FILE is not set (make one with PARSE_SAVE=FILE, see above)');
if (!fs.existsSync(FILE) && process.env['PARSE_SAVE'] === FILE) await savePage(FILE);
const RUNS = process.env['PARSE_COLD'] ? 1 : Number(process.env['PARSE_RUNS'] ?? 15);
const ROOT = path.resolve(import.meta.dirname, '../..');
const COLD_RUNS = Number(process.env['PARSE_COLD_RUNS'] ?? 0);
if (COLD_RUNS > 0) {
  const base = process.env['BENCH_BASE'];
  // PARSE_FLAGS='--a;--b --c': one more side per set, this checkout with those V8 flags after the child's.
  const flagSets = (process.env['PARSE_FLAGS'] ?? '').split(';').map((set) => set.trim()).filter((set) => set !== '');
  const flagged = flagSets.map((set) => ({ label: set, root: ROOT, flags: set.split(/\s+/) }));
  await coldRuns(path.resolve(FILE), COLD_RUNS, [{ label: 'this checkout', root: ROOT }, ...flagged, ...(base ? [{ label: 'BENCH_BASE', root: path.resolve(base) }] : [])]);
  process.exit(0);
}
const bytes = fs.readFileSync(FILE);
const pieces: Buffer[] = [];
for (let i = 0; i < bytes.length; i += 65536) pieces.push(bytes.subarray(i, i + 65536));

type Parse = () => number;
/** The few members of the two checkouts' modules this uses (they differ between versions). */
interface Page { objects: unknown[] }
interface Scanner { write(text: string): boolean; end(): { children: { children: unknown[] }[] } }
type ScannerModule = { XmlStreamScanner: new (hooks: object) => Scanner };
type ReaderModule = { retrieveResultReader(): { capture?: unknown; onElement?: unknown; result(response: unknown): Page } };
async function parserFrom(root: string): Promise<Parse> {
  const { XmlStreamScanner } = (await import(pathToFileURL(path.join(root, 'src/connectors/vsphere/soap/xml-scanner.ts')).href)) as ScannerModule;
  const readerPath = path.join(root, 'src/connectors/vsphere/client/retrieve-result-reader.ts');
  if (fs.existsSync(readerPath)) {
    const { retrieveResultReader } = (await import(pathToFileURL(readerPath).href)) as ReaderModule;
    return () => {
      const reader = retrieveResultReader();
      const scanner = new XmlStreamScanner({ capture: reader.capture });
      const decoder = new TextDecoder('utf-8');
      for (const p of pieces) scanner.write(decoder.decode(p, { stream: true }));
      return reader.result(scanner.end().children[0]!.children[0]).objects.length;
    };
  }
  const { retrieveResultReader } = (await import(pathToFileURL(path.join(root, 'src/connectors/vsphere/client/object-content.ts')).href)) as ReaderModule;
  return () => {
    const reader = retrieveResultReader();
    const scanner = new XmlStreamScanner({ onClose: reader.onElement });
    const decoder = new TextDecoder('utf-8');
    for (const p of pieces) scanner.write(decoder.decode(p, { stream: true }));
    return reader.result(scanner.end().children[0]!.children[0]).objects.length;
  };
}

// PARSE_COLD=base|ours: one parse, no warm-up, of one side only (as the one-shot parses once).
const COLD = process.env['PARSE_COLD'];
const ways: { label: string; parse: Parse; cpu: number[]; gcMs: number; gcs: number }[] = [];
if (COLD !== 'base') ways.push({ label: 'this checkout', parse: await parserFrom(ROOT), cpu: [], gcMs: 0, gcs: 0 });
if (process.env['BENCH_BASE'] && COLD !== 'ours') ways.push({ label: 'BENCH_BASE', parse: await parserFrom(path.resolve(process.env['BENCH_BASE'])), cpu: [], gcMs: 0, gcs: 0 });
let current: (typeof ways)[number] | undefined;
const gc = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!current) continue;
    current.gcs += 1;
    current.gcMs += e.duration;
  }
});
gc.observe({ entryTypes: ['gc'] });
if (!COLD) for (const w of ways) w.parse(); // warm-up (JIT)
for (let i = 0; i < RUNS; i++) {
  for (const w of i % 2 ? [...ways].reverse() : ways) {
    current = w;
    const t0 = process.cpuUsage();
    const n = w.parse();
    const d = process.cpuUsage(t0);
    w.cpu.push((d.user + d.system) / 1000);
    if (n !== 5000 && i === 0) console.log(`${w.label}: ${n} rows`);
    await new Promise((r) => setImmediate(r)); // let the GC entries arrive
    current = undefined;
  }
}
gc.disconnect();
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const w of ways) console.log(`${w.label.padEnd(14)} CPU p50 ${med(w.cpu).toFixed(1)} ms (min ${Math.min(...w.cpu).toFixed(1)}), GC ${(w.gcs / RUNS).toFixed(1)} per parse, ${(w.gcMs / RUNS).toFixed(1)} ms`);
