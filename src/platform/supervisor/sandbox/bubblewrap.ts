import fs from 'node:fs';
import path from 'node:path';
import { mayExposeWhole, within } from './node-install.js';
import { unixSocketFilter } from './seccomp-filter.js';
import { FIRST_DATA_FD, type ChildCommand, type Sandbox, type WrappedCommand } from './sandbox.js';

/** Where the host's files are, for computing what a child may read. */
export interface BubblewrapLayout {
  /** Absolute path of the bwrap binary. */
  readonly bwrap: string;
  /** The node binary children run (process.execPath). */
  readonly nodePath: string;
  /** `process.arch`, for the seccomp program. */
  readonly arch: string;
  /** Does this path exist, and is it a symlink (with its target)? Injected for tests. */
  readonly stat?: (p: string) => { kind: 'dir' | 'file' | 'symlink'; target?: string } | undefined;
  readonly realpath?: (p: string) => string;
  /**
   * Folders a child must never see even when a bind would contain them: the KeyBroker home
   * (control and gateway sockets, config, audit), `$HOME`, `$XDG_RUNTIME_DIR`, the temp dir
   * (socket fallback folders), the keyring files. See {@link bubblewrapArgs}.
   */
  readonly hide?: readonly string[];
}

const defaultStat = (p: string): { kind: 'dir' | 'file' | 'symlink'; target?: string } | undefined => {
  try {
    const s = fs.lstatSync(p);
    if (s.isSymbolicLink()) return { kind: 'symlink', target: fs.readlinkSync(p) };
    return { kind: s.isDirectory() ? 'dir' : 'file' };
  } catch {
    return undefined;
  }
};

/** System trees a Node child needs to run: the loader, libc, node itself when installed there. */
const SYSTEM_TREES = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** Files under /etc that name resolution and TLS read. Nothing else of /etc (no passwd, no machine-id). */
const ETC_FILES = ['/etc/ssl', '/etc/ca-certificates', '/etc/pki', '/etc/crypto-policies', '/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/gai.conf', '/etc/localtime'];

/**
 * The existing folders of `paths`, resolved, all of them. Security: not only the outermost:
 * a hidden folder around a bind is not mounted at all, so one inside it and inside the bind
 * (the KeyBroker home when a server's package folder is ~/.config) still needs its own tmpfs.
 */
function hiddenFolders(paths: readonly string[], stat: NonNullable<BubblewrapLayout['stat']>, realpath: (p: string) => string): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    if (!path.isAbsolute(p)) continue; // '' too
    let real: string;
    try {
      real = realpath(p);
    } catch {
      continue; // Not there: nothing to see.
    }
    if (real !== '/' && stat(real)?.kind === 'dir') out.add(real);
  }
  return [...out].sort();
}

/** The package folder (with package.json) that holds `modulePath`: what a child's code needs to read. */
export function packageRoot(modulePath: string, exists: (p: string) => boolean = fs.existsSync): string {
  let dir = path.dirname(path.resolve(modulePath));
  for (;;) {
    if (exists(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.dirname(path.resolve(modulePath));
    dir = up;
  }
}

/**
 * The files of `reads` that exist, each as `[source, destination]`: its real path mounted at
 * the path the child names it by (a package reached through a link, as pnpm lays them out,
 * is started by the linked path). A missing one (a server built without its code cache) is
 * left out: the child then does without it, as it would outside the sandbox.
 */
function readBinds(reads: readonly string[], stat: NonNullable<BubblewrapLayout['stat']>, realpath: (p: string) => string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const r of reads) {
    if (!path.isAbsolute(r)) continue;
    let real: string;
    try {
      real = realpath(r);
    } catch {
      continue;
    }
    if (stat(real)?.kind === 'file') out.push([real, r]);
  }
  return out;
}

/**
 * The bwrap argument list for one child (exported for tests). Security: a fresh PID
 * namespace (the host's /proc is not there), a fresh /proc, /dev and /tmp, read-only system
 * trees, read-only app package, selected /etc files, and nothing else: no home folder, no
 * $XDG_RUNTIME_DIR (so no session bus socket), no /run, no host /tmp (the D-Bus sockets of
 * a private bus). The network namespace is shared: the child must reach its upstream; the
 * seccomp program (fd 4) keeps it away from abstract unix sockets.
 * With `reads` (a built-in server's own files), exactly those files instead of the app
 * package, and `appRoot` is only the folder the child starts in: no `node_modules` of
 * KeyBroker's (the keyring's native module) or of a project it is installed in
 * (D182).
 */
// Stryker disable next-line ArrayDeclaration: any default list is equivalent: a relative path is never hidden (hiddenFolders skips it)
export function bubblewrapArgs(layout: BubblewrapLayout, appRoot: string, seccomp: boolean, hide: readonly string[] = [], reads?: readonly string[], data: readonly string[] = []): string[] {
  const stat = layout.stat ?? defaultStat;
  const realpath = layout.realpath ?? ((p: string) => fs.realpathSync(p));
  // Stryker disable next-line ArrayDeclaration: as for `hide` above
  const layoutHide = layout.hide ?? [];
  const hidden = hiddenFolders([...layoutHide, ...hide], stat, realpath);
  const args = [
    '--die-with-parent', '--new-session', '--as-pid-1',
    '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--share-net',
    // The child's own /tmp first, so that binds below land on top of it: an app installed or
    // checked out under /tmp (a CI clone, an unpacked archive) stays visible. Mounted after
    // the binds, the tmpfs hid the app itself, bwrap could not chdir into it, and every
    // child ran without a sandbox (isolation: none).
    '--tmpfs', '/tmp',
  ];
  for (const tree of SYSTEM_TREES) {
    const s = stat(tree);
    if (!s) continue;
    if (s.target) args.push('--symlink', s.target, tree); // Only a symlink has a target.
    else args.push('--ro-bind', tree, tree);
  }
  const binds = new Set<string>();
  // node outside /usr (/opt/node, /usr/local on a split layout): its whole prefix, read-only.
  // Security: not when that prefix is /, holds a hidden folder or lies in one (node in ~/bin
  // has the home as its "prefix", ~/.local/bin has ~/.local, ~/dev/bin has ~/dev with the
  // user's projects, nvm's has its version folder with the global packages): then the binary
  // alone, all an official build needs (D162).
  const node = realpath(layout.nodePath);
  if (!SYSTEM_TREES.some((t) => node.startsWith(`${t}/`))) {
    const prefix = path.dirname(path.dirname(node));
    binds.add(mayExposeWhole(prefix, hidden) ? prefix : node);
  }
  // Security: a child that names its files reads those and nothing else of its package
  // (D182). One that does not (a server module of config.json's `servers`, which
  // may load packages at run time) gets its package and the dependencies it may load.
  const files = reads ? readBinds(reads, stat, realpath) : [];
  if (!reads) {
    binds.add(realpath(appRoot));
    // Dependencies hoisted into an enclosing node_modules (a module installed as a dependency).
    if (path.basename(path.dirname(appRoot)) === 'node_modules') binds.add(realpath(path.dirname(appRoot)));
    const nm = path.join(appRoot, 'node_modules');
    if (stat(nm)?.kind === 'symlink') binds.add(realpath(nm));
  }
  for (const b of [...binds].sort()) args.push('--ro-bind', b, b);
  for (const [source, dest] of files) args.push('--ro-bind', source, dest);
  // Security (D2-modulebytes): the files the host read and hashed for the approval, from
  // fd 6, 7, … over the same paths: node loads those bytes, not what a writer put there since.
  data.forEach((dest, i) => args.push('--ro-bind-data', String(FIRST_DATA_FD + i), dest));
  for (const f of ETC_FILES) args.push('--ro-bind-try', f, f);
  // Security: a hidden folder inside something bound (a KEYBROKER_HOME inside the app's
  // folder, with its control socket: a child that reached it could approve its own calls), or
  // bound itself (a server module whose package folder is the home: a stray ~/package.json), is
  // covered by an empty tmpfs, after the binds so it lands on top of them; one tmpfs for
  // nested ones (the outer one hides the inner).
  // Every system tree, symlinks and missing ones too: a hidden folder is a real path to an
  // existing folder, so it is never under a symlink or under nothing.
  // A file of `reads` holds no folder.
  const bound = [...SYSTEM_TREES, ...binds];
  const covered = hidden.filter((h) => bound.some((b) => within(h, b)));
  for (const h of covered) if (!covered.some((o) => o !== h && within(h, o))) args.push('--tmpfs', h);
  // With `reads`, the folder as the child names it (bwrap made it, around the files bound in it).
  args.push('--proc', '/proc', '--dev', '/dev', '--chdir', reads ? appRoot : realpath(appRoot), '--info-fd', '5');
  if (seccomp) args.push('--seccomp', '4');
  return args;
}

/** Runs each child under bubblewrap (Linux). */
export class BubblewrapSandbox implements Sandbox {
  readonly isolation = 'bubblewrap' as const;
  readonly note: string;
  private readonly seccomp: Uint8Array | undefined;

  constructor(private readonly layout: BubblewrapLayout) {
    this.seccomp = unixSocketFilter(layout.arch);
    this.note = this.seccomp
      ? 'isolation: bubblewrap (own PID namespace, no session bus or home, no unix sockets; network shared for the upstream)'
      : `isolation: bubblewrap (own PID namespace, no session bus or home; no seccomp program for ${layout.arch}, so abstract unix sockets stay reachable)`;
  }

  wrap(c: ChildCommand): WrappedCommand {
    const appRoot = c.reads ? path.dirname(path.resolve(c.modulePath)) : packageRoot(c.modulePath);
    const snapshot = c.snapshot ?? [];
    const args = [...bubblewrapArgs(this.layout, appRoot, this.seccomp !== undefined, c.hide, c.reads, snapshot.map((f) => f.path)), '--', c.file, ...c.args];
    // The host's TMPDIR does not exist in the sandbox; /tmp is the sandbox's own tmpfs.
    const env: Record<string, string> = { ...c.env };
    for (const k of ['TMPDIR', 'TEMP', 'TMP']) if (env[k] !== undefined) env[k] = '/tmp';
    return { file: this.layout.bwrap, args, env, cwd: appRoot, infoFd5: true, ...(this.seccomp ? { fd4: this.seccomp } : {}), ...(snapshot.length > 0 ? { dataFds: snapshot.map((f) => f.bytes) } : {}) };
  }
}
