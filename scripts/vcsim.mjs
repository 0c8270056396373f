// `npm run vcsim -- [flags]`: build (cached) and start KeyBroker's vcsim from a shell, for
// humans: trying `keybroker endpoint add` / `keybroker call vsphere ...` against a simulator,
// or running a peer of bench/vsphere-inventory by hand. Flags go to test/vcsim/main.go as
// they are, e.g. `npm run vcsim -- -vms 1250 -clusters 3 -username u -password p`
// (`-h` lists them). Prints the URL and the fingerprint to pin; Ctrl-C stops it.
//
// The build is test/support/vcsim.ts's (same cache, same Go settings), loaded through tsx's
// API so that there is one copy of that logic.
import { spawn } from 'node:child_process';
import { tsImport } from 'tsx/esm/api';

const { vcsimBinary } = await tsImport('../test/support/vcsim.ts', import.meta.url);
const args = process.argv.slice(2);
// The first build takes a minute or two on a small machine: say so, once, before it starts.
const bin = await vcsimBinary(() => console.error('vcsim: compiling the simulator from Debian\'s govmomi (first run only, takes a minute or two)...'));

// stdin is a pipe we hold: vcsim exits when it closes, so it never outlives this script.
const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'inherit'] });
child.on('error', (error) => {
  console.error(`vcsim: could not start ${bin}: ${error.message}`);
  process.exit(1);
});

let buffered = '';
let ready = false;
child.stdout.on('data', (chunk) => {
  if (ready) return;
  buffered += chunk.toString();
  const nl = buffered.indexOf('\n');
  if (nl < 0) return;
  ready = true;
  let info;
  try {
    info = JSON.parse(buffered.slice(0, nl));
  } catch {
    console.log(buffered.slice(0, nl));
    return;
  }
  const userAt = args.indexOf('-username') >= 0 ? args.indexOf('-username') : args.indexOf('--username');
  const user = userAt >= 0 ? args[userAt + 1] : undefined;
  console.log(`vcsim is serving ${info.url}`);
  if (info.fingerprintSha256) console.log(`  SHA-256 fingerprint: ${info.fingerprintSha256}`);
  console.log(user ? `  login: ${user} with the -password you gave` : '  login: any non-empty user and password (e.g. user / pass)');
  console.log('  try:');
  console.log(`    keybroker endpoint add vsphere sim --url ${info.url} --user ${user ?? 'user'}${info.fingerprintSha256 ? ` --fingerprint ${info.fingerprintSha256}` : ''} --password-stdin`);
  console.log(`    VSPHERE_URL=${info.url} VSPHERE_USER=${user ?? 'user'} VSPHERE_PASSWORD=... VSPHERE_FINGERPRINT_SHA256=${info.fingerprintSha256 ?? ''} /usr/bin/python3 bench/peers/pyvmomi_list.py`);
  console.log('  Ctrl-C stops it.');
});

// Ctrl-C reaches vcsim too (same process group); stop it ourselves for a `kill` of this script.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  if (!ready && code !== 0 && code !== null) console.error(`vcsim exited ${code} before it was ready`);
  process.exit(signal ? 0 : (code ?? 0));
});
