import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './bubblewrap.js';
import { macNodeReads, within } from './node-install.js';
import type { ChildCommand, Sandbox, WrappedCommand } from './sandbox.js';

/** What the macOS profile needs to know. */
export interface SandboxExecLayout {
  /** The user's home folder: its Keychains folder is denied by name; no folder of node's is allowed in it, and an app package holding it has it denied after. */
  readonly home: string;
  /** The node binary children run. */
  readonly nodePath: string;
  /** Real path of a file (node's: Homebrew's bin/node is a link into its Cellar). Injected for tests; default fs.realpathSync. */
  readonly realpath?: (p: string) => string;
  /** /usr/bin/sandbox-exec. */
  readonly sandboxExec: string;
  /** Folders denied even where an allow covers them (the KeyBroker home, in an app package that holds it). */
  readonly hide?: readonly string[];
}

/** A string literal in the SBPL (Scheme) profile language. */
const lit = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The real path of `p`, or `p` itself when it cannot be resolved (then opening it fails as it would). */
function realOr(layout: SandboxExecLayout, p: string): string {
  try {
    return (layout.realpath ?? fs.realpathSync)(p);
  } catch {
    return p;
  }
}

/**
 * The `sandbox-exec` profile for one child on macOS (exported so it is tested as text).
 * Security: deny by default; read-only access to the system, the node binary (and only the
 * folders its install needs, none in the home: {@link macNodeReads}) and the app's package;
 * no reads of `~/Library/Keychains` or the system keychains; no mach-lookup of the Security
 * framework's daemons (`com.apple.securityd`, `com.apple.SecurityServer`,
 * `com.apple.security.*`), which is how a process asks for keychain items; outbound network
 * for the upstream; writes only to its own temp folder. An app package that is the home or
 * holds it (a module directly in the home) has the home denied after it, as bubblewrap covers
 * it (D154). With `reads` (a built-in server's own files), each of those files by its path
 * and its real path instead of the app's package: none of KeyBroker's package (its
 * node_modules) is readable (D182). Not exercised here (no macOS CI): see SECURITY.md.
 */
// Stryker disable next-line ArrayDeclaration: any default list is equivalent: a relative path is never denied (filtered below)
export function sandboxExecProfile(layout: SandboxExecLayout, appRoot: string, hide: readonly string[] = [], reads?: readonly string[]): string {
  const keychains = path.join(layout.home, 'Library', 'Keychains');
  // Stryker disable next-line ArrayDeclaration: as for `hide` above
  const layoutHide = layout.hide ?? [];
  const hidden = [...new Set([...layoutHide, ...hide])].filter((p) => path.isAbsolute(p) && p !== '/');
  // Security: node's folders are checked against the home too: a node in ~/bin, ~/.nvm or
  // ~/dev/bin is readable as its binary alone, not as its "prefix" (D162).
  const node = macNodeReads(layout.nodePath, realOr(layout, layout.nodePath), [layout.home, ...hidden]);
  const denied = [...new Set([...hidden, ...(within(layout.home, appRoot) ? [layout.home] : [])])];
  const literals = node.literals.map((p) => `(literal ${lit(p)})`).join(' ');
  // Security: the files a child names, each by both its paths (the profile sees real paths), else its package (D182).
  const app = reads
    ? [...new Set(reads.filter((p) => path.isAbsolute(p)).flatMap((p) => [p, realOr(layout, p)]))].map((p) => ` (literal ${lit(p)})`).join('')
    : ` (subpath ${lit(appRoot)})`;
  return [
    '(version 1)',
    '(deny default)',
    `(allow process-exec ${literals})`,
    '(allow process-fork)',
    '(allow signal (target self))',
    '(allow sysctl-read)',
    '(allow file-read-metadata)',
    '(allow file-read* (subpath "/usr/lib") (subpath "/usr/share") (subpath "/System") (subpath "/Library/Preferences")',
    '  (subpath "/private/etc") (subpath "/etc") (literal "/dev/null") (literal "/dev/urandom") (literal "/dev/random")',
    `  ${literals}${node.subpaths.map((p) => ` (subpath ${lit(p)})`).join('')}${app})`,
    '(allow file-write* (literal "/dev/null") (subpath (param "TMP")))',
    '(allow file-read* (subpath (param "TMP")))',
    // Explicit denials after the allows: SBPL applies the last matching rule.
    `(deny file-read* file-write* (subpath ${lit(keychains)}) (subpath "/Library/Keychains") (subpath "/System/Library/Keychains") (subpath "/private/var/db/mds")${denied.map((h) => ` (subpath ${lit(h)})`).join('')})`,
    '(allow mach-lookup (global-name "com.apple.system.opendirectoryd.libinfo") (global-name "com.apple.dnssd.service") (global-name "com.apple.SystemConfiguration.configd") (global-name "com.apple.trustd") (global-name "com.apple.trustd.agent"))',
    '(deny mach-lookup (global-name "com.apple.securityd") (global-name "com.apple.SecurityServer") (global-name-regex #"^com\\.apple\\.security\\.") (global-name "com.apple.secd"))',
    '(allow network-outbound (remote tcp) (remote udp))',
    '(allow network-outbound (literal "/private/var/run/mDNSResponder"))',
    '(allow system-socket)',
    '',
  ].join('\n');
}

/** Runs each child under `sandbox-exec` (macOS). */
export class SandboxExecSandbox implements Sandbox {
  readonly isolation = 'sandbox-exec' as const;
  readonly note = 'isolation: sandbox-exec (no keychain files, no Security framework lookups, read-only app; network allowed for the upstream)';

  constructor(private readonly layout: SandboxExecLayout, private readonly tmpDir: string) {}

  wrap(c: ChildCommand): WrappedCommand {
    const appRoot = c.reads ? path.dirname(path.resolve(c.modulePath)) : packageRoot(c.modulePath);
    const profile = sandboxExecProfile(this.layout, appRoot, c.hide, c.reads);
    const env: Record<string, string> = { ...c.env, TMPDIR: this.tmpDir };
    return { file: this.layout.sandboxExec, args: ['-D', `TMP=${this.tmpDir}`, '-p', profile, c.file, ...c.args], env, cwd: appRoot };
  }
}
