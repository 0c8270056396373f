import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveHome } from '../../config/home.js';
import { BubblewrapSandbox, bubblewrapArgs, packageRoot, type BubblewrapLayout } from './bubblewrap.js';
import { unixSocketFilter } from './seccomp-filter.js';
import { noSandbox, type Sandbox } from './sandbox.js';
import { SandboxExecSandbox } from './sandbox-exec.js';

/**
 * `KEYBROKER_SANDBOX=off` runs children without a sandbox (development, or a system where
 * bubblewrap misbehaves); `keybroker status` then says `isolation: none`. Anything else (or
 * unset) means: use the sandbox wherever it works.
 */
export const SANDBOX_ENV = 'KEYBROKER_SANDBOX';
/** Path of the bwrap binary, when not the one on PATH (packagers; tests point it at a broken one). */
export const BWRAP_ENV = 'KEYBROKER_BWRAP';

// Generous: a loaded machine must not be mistaken for one without a sandbox.
const PROBE_TIMEOUT_MS = 30_000;

function onPath(name: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '/usr/bin:/bin').split(path.delimiter)) {
    // Security: '' and '.' (and any relative entry) mean the working folder: never a bwrap planted there.
    if (!path.isAbsolute(dir)) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Run `node -e 0` inside the real sandbox once: bwrap present, user namespaces allowed, seccomp accepted. */
function probeBubblewrap(layout: BubblewrapLayout): string | undefined {
  const filter = unixSocketFilter(layout.arch);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bwrap-probe-'));
  let fd: number | undefined;
  try {
    let seccompFd: number | 'ignore' = 'ignore';
    if (filter) {
      const file = path.join(dir, 'seccomp.bpf');
      fs.writeFileSync(file, filter); // A public program, in a folder of mode 0700 (mkdtemp).
      fd = fs.openSync(file, 'r');
      seccompFd = fd;
    }
    const appRoot = packageRoot(fileURLToPath(import.meta.url));
    const args = [...bubblewrapArgs(layout, appRoot, filter !== undefined), '--', layout.nodePath, '-e', 'process.exit(0)'];
    const r = spawnSync(layout.bwrap, args, { stdio: ['ignore', 'ignore', 'pipe', 'ignore', seccompFd, 'pipe'], timeout: PROBE_TIMEOUT_MS, env: { PATH: '/usr/bin:/bin' } });
    if (r.error) return r.error.message;
    if (r.status !== 0) return r.stderr.toString('utf8').trim().split('\n')[0] || `exit ${r.status ?? r.signal}`;
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true });
  }
}

/**
 * Folders no sandboxed child may see even where a bind would contain them (DECISIONS
 * D55): the KeyBroker home of this environment (the host adds its own), `$HOME`,
 * `$XDG_RUNTIME_DIR` and the temp dir (where long socket paths fall back to), and the XDG
 * data and config folders (keyring files, other homes).
 */
export function hiddenFromChildren(env: NodeJS.ProcessEnv): string[] {
  const home = os.homedir();
  const abs = (p: string | undefined) => (p && path.isAbsolute(p) ? [p] : []);
  // Stryker disable next-line StringLiteral: resolveHome's default branch is Linux's
  const kbHome = resolveHome(env, 'linux', home);
  return [
    kbHome, home, ...abs(env['HOME']), ...abs(env['XDG_RUNTIME_DIR']), os.tmpdir(), ...abs(env['TMPDIR']),
    ...abs(env['XDG_DATA_HOME']), path.join(home, '.local', 'share'), ...abs(env['XDG_CONFIG_HOME']), path.join(home, '.config'),
  ];
}

const cache = new Map<string, Sandbox>();

/**
 * The sandbox children should run in on this machine, probed once per process and
 * configuration: bubblewrap on Linux when it works, sandbox-exec on macOS, otherwise none,
 * with a `note` saying why (the host logs it once at start).
 */
export function detectSandbox(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Sandbox {
  // JSON: an unset variable (null) is not an empty one (an empty PATH finds no bwrap, an unset
  // one looks in /usr/bin and /bin), and a '|' in a value cannot shift the others.
  const key = JSON.stringify([platform, ...[SANDBOX_ENV, BWRAP_ENV, 'PATH', 'KEYBROKER_HOME', 'HOME', 'XDG_RUNTIME_DIR', 'TMPDIR', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME'].map((k) => env[k])]);
  const known = cache.get(key);
  if (known) return known;
  const sandbox = detect(env, platform);
  cache.set(key, sandbox);
  return sandbox;
}

function detect(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Sandbox {
  if (env[SANDBOX_ENV] === 'off') return noSandbox(`switched off by ${SANDBOX_ENV}=off`);
  if (platform === 'linux') {
    const bwrap = env[BWRAP_ENV] || onPath('bwrap', env['PATH']);
    if (!bwrap) return noSandbox("bubblewrap is not installed; install the 'bubblewrap' package");
    const layout: BubblewrapLayout = { bwrap, nodePath: process.execPath, arch: process.arch, hide: hiddenFromChildren(env) };
    const failure = probeBubblewrap(layout);
    if (failure !== undefined) return noSandbox(`bubblewrap does not work here (${failure.slice(0, 160)}); unprivileged user namespaces may be disabled`);
    return new BubblewrapSandbox(layout);
  }
  if (platform === 'darwin') {
    const sandboxExec = '/usr/bin/sandbox-exec';
    if (!fs.existsSync(sandboxExec)) return noSandbox('sandbox-exec is missing');
    const r = spawnSync(sandboxExec, ['-p', '(version 1)(allow default)', '/usr/bin/true'], { stdio: 'ignore', timeout: PROBE_TIMEOUT_MS });
    if (r.status !== 0) return noSandbox('sandbox-exec does not work here');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-child-'));
    // Security: the KeyBroker home is denied by name, whatever an allow covers (an app package that holds it).
    return new SandboxExecSandbox({ home: os.homedir(), nodePath: process.execPath, sandboxExec, hide: [resolveHome(env, 'darwin')] }, fs.realpathSync(tmp));
  }
  return noSandbox(`no child sandbox on ${platform}`);
}
