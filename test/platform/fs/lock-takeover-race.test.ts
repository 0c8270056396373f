// Integrity rule (D177): when several processes find the same stale lock at the same
// moment (config.json.lock, host.lock: its owner was killed), exactly one of them takes it.
// Before, each removed "the stale lock" after judging it, and a slower one removed the
// winner's fresh lock instead and entered too. Real processes race, round after round: a
// stale lock is planted, all racers get the go over IPC at once, and the test counts owners.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { until } from '../../support/wait.js';

const RACER = path.resolve(import.meta.dirname, '../../fixtures/fs/lock-racer.ts');
const RACERS = 5;
const ROUNDS = Number(process.env['KB_LOCK_RACE_ROUNDS'] ?? 30);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-lock-race-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

type Answer = { round?: number; ready?: true; won?: true; lost?: string; released?: true };

/** Racers of one kind, started once for all rounds; `answers` collects what each said. */
function startRacers(mode: 'config' | 'host') {
  const racers: { child: ChildProcess; answers: Answer[] }[] = [];
  for (let i = 0; i < RACERS; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', RACER, mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const racer = { child, answers: [] as Answer[] };
    child.on('message', (m: Answer) => racer.answers.push(m));
    racers.push(racer);
  }
  return racers;
}

async function race(mode: 'config' | 'host', lostCode: string): Promise<void> {
  const racers = startRacers(mode);
  try {
    await until('every racer to be ready', () => racers.every((r) => r.answers.some((a) => a.ready)));
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // Reaped: the stale lock's owner is gone.
    for (let round = 0; round < ROUNDS; round++) {
      const gate = path.join(root, `${mode}-${round}`);
      fs.mkdirSync(gate);
      const lockFile = path.join(gate, mode === 'config' ? 'config.json.lock' : 'host.lock');
      // The lock a killed owner left: the pid-only form of 0.1 on even rounds, today's on odd ones.
      fs.writeFileSync(lockFile, round % 2 ? `${dead} 0123456789ab\n` : `${dead}\n`, { mode: 0o600 });
      const said = (r: (typeof racers)[number]) => r.answers.filter((a) => a.round === round);
      for (const r of racers) r.child.send({ round, lockFile, gate });
      await until(`every racer's answer in round ${round}`, () => racers.every((r) => said(r).some((a) => a.won || a.lost)));
      const winners = racers.filter((r) => said(r).some((a) => a.won));
      const losers = racers.flatMap((r) => said(r).filter((a) => a.lost).map((a) => a.lost));
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} racers own the lock at once (${losers.join(', ')})`);
      assert.deepEqual(losers, Array.from({ length: RACERS - 1 }, () => lostCode), `round ${round}`);
      assert.equal(Number.parseInt(fs.readFileSync(lockFile, 'utf8'), 10), winners[0]!.child.pid, 'the lock names its owner');
      // Release the winner, and see the lock and every file of the takeover gone.
      if (mode === 'config') fs.writeFileSync(path.join(gate, 'release'), '');
      else winners[0]!.child.send({ release: round });
      await until(`the winner of round ${round} to release`, () => said(winners[0]!).some((a) => a.released));
      assert.deepEqual(fs.readdirSync(gate).filter((f) => !f.startsWith('inside-') && f !== 'release'), [], `round ${round}: left behind`);
    }
  } finally {
    for (const r of racers) r.child.kill('SIGKILL');
  }
}

describe('the takeover of a stale lock by racing processes', () => {
  before(() => assert.ok(ROUNDS > 0, 'at least one round is run'));
  it(`config.json.lock: exactly one of ${RACERS} racers enters, in each of ${ROUNDS} rounds`, async () => {
    await race('config', 'CORE_CONFIG_LOCKED');
  });
  it(`host.lock: exactly one of ${RACERS} hosts starts, in each of ${ROUNDS} rounds`, async () => {
    await race('host', 'CORE_HOST_RUNNING');
  });
});
