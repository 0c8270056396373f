// Summarise a V8 .cpuprofile by self time: `node --import tsx bench/support/summarize-cpuprofile.ts FILE [top]`.
// Prints the top functions (name, file:line) and the top files, in ms. Used for docs/PERFORMANCE.md.
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: summarize-cpuprofile.ts FILE.cpuprofile [top]');
  process.exit(2);
}
const top = Number(topArg ?? 20);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const perFunction = new Map<string, number>();
const perFile = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  const f = byId.get(id)!.callFrame;
  total += dt;
  const where = f.url ? path.basename(f.url) : '(native)';
  const key = `${f.functionName || '(anonymous)'}  ${where}:${f.lineNumber + 1}`;
  perFunction.set(key, (perFunction.get(key) ?? 0) + dt);
  perFile.set(where, (perFile.get(where) ?? 0) + dt);
});
const show = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, v]) => console.log(`${v.toFixed(1).padStart(9)} ms  ${k}`));
console.log(`${file}: ${total.toFixed(0)} ms sampled`);
console.log('-- by function (self)');
show(perFunction);
console.log('-- by file (self)');
show(perFile);
