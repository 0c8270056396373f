import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Vcsim } from './vcsim.js';

const SCRIPT = path.resolve(import.meta.dirname, 'vcsim_change.py');
/** Debian's python3 with python3-pyvmomi; the pyenv python3 on PATH has no pyVmomi. */
const PYTHON = '/usr/bin/python3';

/** One change to vcsim's inventory, by operation (see vcsim_change.py). */
export type VcsimChange =
  | ['create', string]
  | ['rename', string, string, string]
  | ['poweron' | 'poweroff' | 'destroy', string]
  | ['terminate']
  | ['reconfigure', string, string, string]
  | ['migrate', string, string]
  | ['mkfolder', string, string]
  | ['move', string, string, string]
  | ['clone', string, string]
  | ['suspend', string]
  | ['addhost', string, string];

/**
 * Changes vcsim through an independent client (pyVmomi, its own login and logout), so a test
 * of the kept inventory never trusts KeyBroker's code to make the change it then looks for.
 * The password travels in the child's env, not argv. Resolves once the change's task is done.
 */
export function vcsimChange(vcsim: Vcsim, ...change: VcsimChange): Promise<{ moref?: string; ended?: number }> {
  return vcsimChanges(vcsim, change);
}

/** Several changes back to back in one pyVmomi session (one login): `out` has the last one's MoRef. */
export function vcsimChanges(vcsim: Vcsim, ...changes: VcsimChange[]): Promise<{ moref?: string; ended?: number }> {
  const argv = changes.flatMap((c, i) => (i === 0 ? c : ['--', ...c]));
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    VSPHERE_URL: vcsim.url, VSPHERE_USER: vcsim.username, VSPHERE_PASSWORD: vcsim.password,
    VSPHERE_FINGERPRINT_SHA256: vcsim.fingerprintSha256,
  };
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...argv], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`vcsim_change.py ${argv.join(' ')} failed (${stderr.trim().split('\n').slice(-3).join(' | ') || error.message}); install python3-pyvmomi`));
      resolve(JSON.parse(stdout) as { moref?: string; ended?: number });
    });
  });
}
