// Security/integrity rule (D176): the temp files a killed writer left beside a file
// are removed by the next write of that file, and nothing else is: never a live writer's
// (unless older than STALE_TEMP_MS: a reused pid), never another file's, never a link, a
// folder or another user's file. A sweep never fails the write that runs it.
import { describe, it, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STALE_TEMP_MS, sweepStaleTemps, tempSiblingPath } from '../../../src/platform/fs/stale-temp-files.js';
import { writeFileAtomic } from '../../../src/platform/fs/atomic-write.js';

const posix = process.platform !== 'win32';
const root = process.getuid?.() === 0;
/** The pid of a process that ran and was reaped: no process has it now. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
const HEX = 'a1b2c3d4e5f6';

describe('sweepStaleTemps()', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-sweep-'));
    file = path.join(dir, 'config.json');
  });
  afterEach(() => {
    mock.restoreAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const plant = (name: string, ageMs = 0) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, '{"half":', { mode: 0o600 });
    if (ageMs) {
      const t = new Date(Date.now() - ageMs);
      fs.utimesSync(p, t, t);
    }
    return p;
  };
  const left = () => fs.readdirSync(dir).sort();

  it('names a temp file for the writing process: .<name>.<pid>.<12 hex>.tmp, beside the file', () => {
    const a = tempSiblingPath(file);
    assert.equal(path.dirname(a), dir);
    assert.match(path.basename(a), new RegExp(`^\\.config\\.json\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    assert.notEqual(tempSiblingPath(file), a);
  });

  it('removes the temp files of this file whose writer is gone, and runs on every atomic write', () => {
    const dead = deadPid();
    plant(`.config.json.${dead}.${HEX}.tmp`);
    plant(`.config.json.${deadPid()}.0123456789ab.tmp`);
    sweepStaleTemps(file);
    assert.deepEqual(left(), []);
    plant(`.config.json.${dead}.${HEX}.tmp`);
    writeFileAtomic(file, 'whole');
    assert.deepEqual(left(), ['config.json']);
  });

  it('keeps a live writer\'s temp file, ours included, until it is older than STALE_TEMP_MS (a reused pid)', () => {
    const live = `.config.json.${process.ppid}.${HEX}.tmp`;
    const ours = `.config.json.${process.pid}.${HEX}.tmp`;
    plant(live, STALE_TEMP_MS - 60_000);
    plant(ours);
    sweepStaleTemps(file);
    assert.deepEqual(left(), [live, ours].sort());
    plant(live, STALE_TEMP_MS + 60_000);
    plant(ours, STALE_TEMP_MS + 60_000);
    sweepStaleTemps(file);
    assert.deepEqual(left(), []);
  });

  it('counts a live writer\'s temp file as old only past STALE_TEMP_MS, not at it', () => {
    const name = `.config.json.${process.ppid}.${HEX}.tmp`;
    const p = plant(name);
    const at = new Date(Date.now() - 1000);
    fs.utimesSync(p, at, at);
    const mtime = fs.statSync(p).mtimeMs;
    mock.method(Date, 'now', () => mtime + STALE_TEMP_MS);
    sweepStaleTemps(file);
    assert.deepEqual(left(), [name]);
    mock.method(Date, 'now', () => mtime + STALE_TEMP_MS + 1);
    sweepStaleTemps(file);
    assert.deepEqual(left(), []);
  });

  it('Security: leaves every other name alone: another file\'s temp files, near misses, the file itself', () => {
    const dead = deadPid();
    const others = [
      'config.json', `.config.json.${dead}.${HEX}.tmp.bak`, `x.config.json.${dead}.${HEX}.tmp`, `.config.json.${dead}.${HEX}.tmpx`,
      `.config.json.${dead}.${HEX.toUpperCase()}.tmp`, `.config.json.${dead}.${HEX}0.tmp`, `.config.json.${dead}.${HEX.slice(1)}.tmp`,
      `.config.json.0.${HEX}.tmp`, `.config.json.0${dead}.${HEX}.tmp`, `.config.json.x${dead}.${HEX}.tmp`, `.config.json..${HEX}.tmp`,
      `.config.json.12345678901.${HEX}.tmp`, `.configXjson.${dead}.${HEX}.tmp`, `.tool-pins.json.${dead}.${HEX}.tmp`,
      `config.json.${dead}.${HEX}.tmp`, `.config.json.${dead}.${HEX}.reap`,
    ];
    for (const name of others) plant(name, STALE_TEMP_MS + 60_000);
    sweepStaleTemps(file);
    assert.deepEqual(left(), others.sort());
  });

  it('Security: never follows nor removes a link, and leaves a folder by that name', { skip: !posix && 'POSIX links' }, () => {
    const dead = deadPid();
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'kept');
    const link = `.config.json.${dead}.${HEX}.tmp`;
    fs.symlinkSync(victim, path.join(dir, link));
    const folder = `.config.json.${dead}.0123456789ab.tmp`;
    fs.mkdirSync(path.join(dir, folder));
    sweepStaleTemps(file);
    assert.deepEqual(left(), [link, folder, 'victim.txt'].sort());
    assert.equal(fs.readFileSync(victim, 'utf8'), 'kept');
    assert.equal(fs.lstatSync(path.join(dir, link)).isSymbolicLink(), true);
  });

  it('Security: leaves another user\'s file (a shared folder such as /tmp for an audit export)', { skip: !root && 'needs root to chown' }, () => {
    const theirs = plant(`.config.json.${deadPid()}.${HEX}.tmp`, STALE_TEMP_MS + 60_000);
    fs.chownSync(theirs, 65_534, 65_534);
    sweepStaleTemps(file);
    assert.deepEqual(left(), [path.basename(theirs)]);
  });

  it('never fails the write: a folder it cannot list, an entry it cannot remove', () => {
    plant(`.config.json.${deadPid()}.${HEX}.tmp`);
    mock.method(fs, 'unlinkSync', () => { throw Object.assign(new Error('EPERM: operation not permitted, unlink'), { code: 'EPERM' }); });
    assert.doesNotThrow(() => sweepStaleTemps(file));
    mock.method(fs, 'readdirSync', () => { throw Object.assign(new Error('EACCES: permission denied, scandir'), { code: 'EACCES' }); });
    assert.doesNotThrow(() => sweepStaleTemps(file));
    mock.restoreAll();
    writeFileAtomic(file, 'whole');
    assert.deepEqual(left(), ['config.json']);
  });

  it('escapes the file name: a name with pattern characters matches only itself', () => {
    const dead = deadPid();
    const odd = path.join(dir, 'a+b(c).json');
    plant(`.a+b(c).json.${dead}.${HEX}.tmp`);
    plant(`.aab(c).json.${dead}.${HEX}.tmp`);
    plant(`.a+bc.json.${dead}.${HEX}.tmp`);
    sweepStaleTemps(odd);
    assert.deepEqual(left(), [`.a+bc.json.${dead}.${HEX}.tmp`, `.aab(c).json.${dead}.${HEX}.tmp`].sort());
  });
});
