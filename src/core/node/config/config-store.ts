import fs from 'node:fs';
import { Config, emptyConfig } from '../../common/contracts/config.js';
import { firstIssue } from '../../common/contracts/format-issue.js';
import { ConfigInvalidError } from '../../common/errors/config-invalid-error.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { ensurePrivateDir } from '../fs/private-dir.js';
import { homePaths } from './home.js';

/**
 * Loads, validates and atomically saves `<home>/config.json`.
 * A bad file is reported with the path of the bad field and never rewritten.
 */
export class ConfigStore {
  readonly paths;

  constructor(readonly home: string) {
    this.paths = homePaths(home);
  }

  /** The current config; a missing file is a fresh install, an invalid one throws ConfigInvalidError. */
  load(): Config {
    let text: string;
    try {
      text = fs.readFileSync(this.paths.config, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
      throw e;
    }
    return parseConfigText(text, this.paths.config);
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

  /** Load, apply `change`, save. Returns the saved config. */
  update(change: (config: Config) => Config): Config {
    const next = change(this.load());
    this.save(next);
    return next;
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
