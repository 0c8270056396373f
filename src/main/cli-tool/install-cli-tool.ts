import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../platform/fs/atomic-write.js';
import { SettingsInputError } from '../settings-input-error.js';

/** The line that marks a launcher as ours, so a reinstall may replace it and nothing else. */
export const CLI_TOOL_MARKER = 'Installed by the KeyBroker app';

/** Where and how to install the `keybroker` command. */
export interface CliToolTarget {
  readonly platform: NodeJS.Platform;
  /** The user's home folder. */
  readonly homedir: string;
  /** `PATH` as the app sees it (a login shell may have more; the result says when it lacks the folder). */
  readonly pathEnv: string;
  /** `LOCALAPPDATA` on Windows. */
  readonly localAppData?: string;
  /**
   * The CLI a user's Node can run: `<resources>/app.asar.unpacked/dist/cli/index.js` in the
   * packaged app (electron-builder.yml `asarUnpack`), `dist/cli/index.js` in a checkout.
   */
  readonly cliPath: string;
}

/** What was installed. */
export interface CliToolInstalled {
  readonly file: string;
  readonly onPath: boolean;
  readonly message: string;
}

/**
 * Install a `keybroker` command that runs the app's CLI with the user's Node.js, like VS
 * Code's `code` and Docker Desktop's CLI links: the app's own binary cannot run scripts (the
 * RunAsNode fuse is off) and its code is inside app.asar, which Node cannot read, so the
 * launcher points Node at the unpacked copy. It talks to the running app through the same
 * home and control socket as `keybroker serve` would. Per-user folders only (no admin
 * prompt): `~/.local/bin` on macOS and Linux, `%LOCALAPPDATA%\KeyBroker\bin` on Windows.
 * Refuses to replace a `keybroker` that is not ours (an npm-installed one, say).
 */
export function installCliTool(t: CliToolTarget): CliToolInstalled {
  if (!fs.existsSync(t.cliPath)) throw new SettingsInputError(`the command-line tool is missing from this installation (${t.cliPath}); reinstall KeyBroker`);
  const win = t.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const dir = win ? p.join(t.localAppData || p.join(t.homedir, 'AppData', 'Local'), 'KeyBroker', 'bin') : p.join(t.homedir, '.local', 'bin');
  const file = p.join(dir, win ? 'keybroker.cmd' : 'keybroker');
  const existing = readIfExists(file);
  if (existing !== undefined && !existing.includes(CLI_TOOL_MARKER)) {
    throw new SettingsInputError(`${file} already exists and was not installed by KeyBroker (an npm install?); remove it to install the app's command-line tool, or keep using it`);
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeFileAtomic(file, win ? windowsLauncher(t.cliPath) : posixLauncher(t.cliPath), 0o755);
  const onPath = t.pathEnv.split(win ? ';' : ':').some((d) => d && p.resolve(d) === p.resolve(dir));
  const how = win
    ? `add ${dir} to your user PATH (Settings > System > About > Advanced system settings > Environment Variables), then open a new terminal`
    : `add it to your PATH: echo 'export PATH="$HOME/.local/bin:$PATH"' >> ~/${t.platform === 'darwin' ? '.zprofile' : '.profile'}, then open a new terminal`;
  return {
    file,
    onPath,
    message: `Installed ${file}. It needs Node.js 20.19 or later on your PATH.${onPath ? " Open a new terminal and run 'keybroker status'." : ` ${dir} is not on your PATH: ${how}.`}`,
  };
}

/** POSIX single-quoting: safe for any path, including spaces and quotes. */
const shQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

function posixLauncher(cliPath: string): string {
  return [
    '#!/bin/sh',
    `# ${CLI_TOOL_MARKER} (Settings > Command line): the keybroker command-line tool, run by your`,
    "# Node.js because the app's runtime does not run scripts. Reinstall it there after moving the app.",
    'if ! command -v node >/dev/null 2>&1; then',
    "  echo 'keybroker: needs Node.js 20.19 or later on PATH (https://nodejs.org); the KeyBroker app does not provide one' >&2",
    '  exit 127',
    'fi',
    `exec node ${shQuote(cliPath)} "$@"`,
    '',
  ].join('\n');
}

/** The `keybroker.cmd` text for Windows. */
export function windowsLauncher(cliPath: string): string {
  // cmd.exe: a path in double quotes cannot contain one (Windows paths never do); %* passes the arguments.
  return [`@rem ${CLI_TOOL_MARKER} (Settings > Command line): runs the keybroker CLI with your Node.js.`, '@where node >nul 2>nul || (echo keybroker: needs Node.js 20.19 or later on PATH 1>&2 & exit /b 127)', `@node "${cliPath}" %*`, ''].join('\r\n');
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
