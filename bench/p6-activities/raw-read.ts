// One raw fetch of the big project's activities straight from P6 (the physical limit the
// gateway path is compared with). Runs as its own process so its peak RSS is its own.
// Reads {url, caPem, username, password, fields, projectObjectId} as JSON on stdin
// (never argv or env: the password is a secret), prints {wallMs, rows, vmHwmKb} on stdout.
import fs from 'node:fs';
import { Agent, request } from 'undici';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const job = JSON.parse(input) as { url: string; caPem: string; username: string; password: string; fields: string[]; projectObjectId: number };
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
