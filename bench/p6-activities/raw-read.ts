// One raw fetch of the big project's activities straight from P6 (the physical limit the
// gateway path is compared with). Runs as its own process so its peak RSS is its own, as
// bare node (bench:p6 bundles it: bundle-raw-read.ts). Reads one line of
// {url, caPem, username, password, fields, projectObjectId} as JSON on stdin (never argv or
// env: the password is a secret), prints {wallMs, rows, vmHwmKb} on stdout, then exits when
// stdin ends (so the bench can read its CPU from /proc before it goes).
import fs from 'node:fs';
import { Agent, request } from 'undici';

let input = '';
process.stdin.setEncoding('utf8');
const stdinEnded = new Promise((resolve) => process.stdin.once('end', resolve));
await new Promise<void>((resolve) => {
  const onData = (chunk: string) => {
    input += chunk;
    if (!input.includes('\n')) return;
    process.stdin.off('data', onData);
    resolve();
  };
  process.stdin.on('data', onData);
  void stdinEnded.then(() => resolve());
});
const nl = input.indexOf('\n');
const job = JSON.parse(nl < 0 ? input : input.slice(0, nl)) as { url: string; caPem: string; username: string; password: string; fields: string[]; projectObjectId: number };
const dispatcher = new Agent({ connect: { ca: job.caPem } });
const login = await request(`${job.url}/login?DatabaseName=PMDB`, { method: 'POST', headers: { username: job.username, password: job.password }, dispatcher });
await login.body.text();
const setCookie = login.headers['set-cookie'];
const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ');
const query = new URLSearchParams({ Fields: job.fields.join(','), Filter: `ProjectObjectId:eq:${job.projectObjectId}`, OrderBy: 'ObjectId asc' });
const t0 = performance.now();
const res = await request(`${job.url}/activity?${query}`, { headers: { cookie, accept: 'application/json' }, dispatcher });
const rows = (await res.body.json()) as unknown[];
const wallMs = performance.now() - t0;
const vmHwmKb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]);
process.stdout.write(`${JSON.stringify({ wallMs, rows: rows.length, vmHwmKb })}\n`);
await dispatcher.close();
// Wait for the bench to close stdin (it reads this process's CPU first).
process.stdin.resume();
await stdinEnded;
