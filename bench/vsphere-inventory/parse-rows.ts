// bench/vsphere-inventory, measuring aid for issue 17 item 2: the CPU of turning one saved
// RetrievePropertiesEx answer (PARSE_FILE, e.g. a 5,000-VM vcsim page) into rows, in
// 64 KiB pieces as undici delivers them, with this checkout's reader and, interleaved, with
// BENCH_BASE's (another checkout: its streaming reader as of then). Reports median CPU
// (user+sys) per parse and V8's GC count and time per parse (PerformanceObserver). Run:
//   PARSE_FILE=/tmp/vcsim-5000.xml node --import tsx bench/vsphere-inventory/parse-rows.ts
// PARSE_COLD=ours or base: one parse without warm-up, of that side only (the one-shot's case).
import fs from 'node:fs';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const FILE = process.env['PARSE_FILE'];
if (!FILE) throw new Error('PARSE_FILE is not set');
const RUNS = process.env['PARSE_COLD'] ? 1 : Number(process.env['PARSE_RUNS'] ?? 15);
const ROOT = path.resolve(import.meta.dirname, '../..');
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
