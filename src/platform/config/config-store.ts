import fs from 'node:fs';
import { Config, emptyConfig } from '../../base/contracts/config.js';
import { firstIssue } from '../../base/contracts/format-issue.js';
import { ConfigInvalidError } from '../../base/errors/config-invalid-error.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { ensurePrivateDir } from '../fs/private-dir.js';
import { withConfigLock } from './config-lock.js';
import { homePaths } from './home.js';

/**
 * Loads, validates and atomically saves `<home>/config.json`.
 * A bad file is reported with the path of the bad field and never rewritten.
 */
export class ConfigStore {
  readonly paths;
  private readonly onNote: (message: string) => void;
  private readonly lockWaitMs: number | undefined;

  /**
   * `onNote` hears what load() fixed on its own (a too-open file mode); default: one line on
   * stderr. `lockWaitMs`: how long update() waits for another process's change (default
   * CONFIG_LOCK_WAIT_MS).
   */
  constructor(readonly home: string, options: { readonly onNote?: (message: string) => void; readonly lockWaitMs?: number } = {}) {
    this.paths = homePaths(home);
    this.onNote = options.onNote ?? ((m) => void process.stderr.write(`keybroker: note: ${m}\n`));
    this.lockWaitMs = options.lockWaitMs;
  }

  /** The current config; a missing file is a fresh install, an invalid one throws ConfigInvalidError. */
  load(): Config {
    let fd: number;
    try {
      fd = fs.openSync(this.paths.config, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
      throw e;
    }
    let text: string;
    try {
      // A folder named config.json (a mistaken mkdir, a tool's mount): say so, and change nothing.
      if (!fs.fstatSync(fd).isFile()) throw new ConfigInvalidError('', `${this.paths.config} is not a file; move it aside, then retry`);
      this.tighten(fd);
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
    return parseConfigText(text, this.paths.config);
  }

  /**
   * Security: config.json names the modules KeyBroker runs (`servers`) and the URLs it sends
   * passwords to, so it is 0600. A file left wider (an older install, a copy, an editor) is
   * tightened on the open descriptor, and the user is told (issue 10 item 9).
   */
  private tighten(fd: number): void {
    if (process.platform === 'win32') return; // ACLs, not modes, protect %APPDATA%.
    const stat = fs.fstatSync(fd);
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) === 0) return;
    try {
      fs.fchmodSync(fd, 0o600);
    } catch (e) {
      // Another user's file (made with sudo, copied as root): only its owner can tighten it.
      if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
      throw new ConfigInvalidError('', `${this.paths.config} is open to other users (mode 0${mode.toString(8)}) and belongs to another user (uid ${stat.uid}), so it cannot be made private; have it made yours (chown) with mode 0600, then retry`, { cause: e });
    }
    this.onNote(`${this.paths.config} was open to other users (mode 0${mode.toString(8)}); tightened it to 0600. If you did not set that mode, check the file's endpoints and servers`);
  }

  /** Validate, then write atomically with mode 0600 in a 0700 home. */
  save(config: Config): void {
    const checked = Config.safeParse(config);
    if (!checked.success) {
      const { path, message } = firstIssue(checked.error);
      throw new ConfigInvalidError(path, `refusing to save config: ${path || '(root)'}: ${message}`);
    }
    ensurePrivateDir(this.home);
    writeFileAtomic(this.paths.config, JSON.stringify(checked.data, null, 2) + '\n');
  }

  /**
   * Load, apply `change`, save, under `config.json.lock` so that a change made by another
   * process meanwhile is never lost (D144). Returns the saved config.
   */
  update(change: (config: Config) => Config): Config {
    ensurePrivateDir(this.home);
    return withConfigLock(this.paths.configLock, () => {
      const next = change(this.load());
      this.save(next);
      return next;
    }, this.lockWaitMs === undefined ? {} : { waitMs: this.lockWaitMs });
  }
}

/** Parse config text; errors name the file and the bad field in one line. */
export function parseConfigText(text: string, file: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigInvalidError('', `${file} is not valid JSON (${(e as Error).message}); fix it or move it aside, then retry`, { cause: e });
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw new ConfigInvalidError(path, `${file}: ${path || '(root)'}: ${message}; fix that field or move the file aside, then retry`);
  }
  return parsed.data;
}
