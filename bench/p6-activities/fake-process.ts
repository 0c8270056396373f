// The P6 fake in a process of its own, for bench:p6 (issue 17 item 4): a real P6 is a server
// elsewhere, so the fake must not share a thread with the bench's MCP client or the raw read.
// Run by start-fake-process.ts as `node --import tsx fake-process.ts`. Reads
// {users, slowMs?} as JSON on stdin (the password never goes on argv or env), starts the fake
// with TLS and the generated dataset (the same as bench:p6 started in-process before), prints
// {url, caPem, caFile, fingerprintSha256} as one JSON line, and stops when stdin ends (its
// parent closed it or died) or on SIGTERM.
import { startP6Fake } from '../../test/fixtures/p6/start-p6-fake.js';
import type { FakeUser } from '../../test/fixtures/p6/user-directory.js';

let input = '';
process.stdin.setEncoding('utf8');
const options = await new Promise<{ users: FakeUser[]; slowMs?: number }>((resolve, reject) => {
  const onData = (chunk: string) => {
    input += chunk;
    const nl = input.indexOf('\n');
    if (nl < 0) return;
    process.stdin.off('data', onData);
    try {
      resolve(JSON.parse(input.slice(0, nl)) as { users: FakeUser[]; slowMs?: number });
    } catch (e) {
      reject(e as Error);
    }
  };
  process.stdin.on('data', onData);
});
const fake = await startP6Fake({ users: options.users, tls: true, dataset: {}, slowMs: options.slowMs ?? 0 });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void fake.stop().then(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.resume();
process.once('SIGTERM', stop);
process.stdout.write(`${JSON.stringify({ url: fake.url, caPem: fake.caPem, caFile: fake.caFile, fingerprintSha256: fake.fingerprintSha256 })}\n`);
