// What a child's environment holds (the `containment` mutation area): the allow-list, never a
// secret the user exported, and a spec's fixed variables only as MALLOC_* numbers (D91).
// supervisor.test.ts checks the same on a real child's environment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildChildEnv, refusedTunable } from '../../../src/platform/supervisor/child-env.js';

const ALLOWED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'WINDIR', 'NODE_ENV'];

describe('buildChildEnv()', () => {
  it('passes each allow-listed variable, by its own name and value', () => {
    const parent = Object.fromEntries(ALLOWED.map((k) => [k, `value of ${k}`]));
    assert.deepEqual(buildChildEnv(parent), parent);
  });

  it('Security: passes nothing else: no secret, no loader or Node switch, no D-Bus or display address, no home', () => {
    const secrets = {
      VSPHERE_PASSWORD: 'hunter2', P6_PASSWORD: 'p6', AWS_SECRET_ACCESS_KEY: 'aws', GITHUB_TOKEN: 'ghp', KEYBROKER_API_KEY: 'kb_key',
      NODE_OPTIONS: '--require /tmp/evil.js', LD_PRELOAD: '/tmp/evil.so', DYLD_INSERT_LIBRARIES: '/tmp/evil.dylib', GLIBC_TUNABLES: 'x',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus', XDG_RUNTIME_DIR: '/run/user/1000', DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0',
      SSH_AUTH_SOCK: '/tmp/ssh-agent', GNOME_KEYRING_CONTROL: '/run/user/1000/keyring', HOME: '/home/u', KEYBROKER_HOME: '/home/u/.config/keybroker',
      path: '/lower/case', Path: '/mixed', ' PATH': '/space',
    };
    assert.deepEqual(buildChildEnv({ ...secrets, PATH: '/usr/bin' }), { PATH: '/usr/bin' });
    assert.deepEqual(buildChildEnv(secrets), {});
  });

  it('a variable that is not a string (unset) is left out, not passed as "undefined"', () => {
    const env = buildChildEnv({ PATH: undefined, LANG: 'C' });
    assert.deepEqual(env, { LANG: 'C' });
    assert.ok(!('PATH' in env), 'an unset variable is left out');
    assert.deepEqual(buildChildEnv({ PATH: '' }), { PATH: '' });
  });

  it("adds the extra variables after the inherited ones (an extra one wins), each value as a string", () => {
    const env = buildChildEnv({ PATH: '/usr/bin', LANG: 'C' }, { KEYBROKER_CHILD: 'vsphere', LANG: 'C.UTF-8', MALLOC_ARENA_MAX: 2 as unknown as string });
    assert.deepEqual(env, { PATH: '/usr/bin', LANG: 'C.UTF-8', KEYBROKER_CHILD: 'vsphere', MALLOC_ARENA_MAX: '2' });
    assert.equal(typeof env['MALLOC_ARENA_MAX'], 'string');
    assert.deepEqual(buildChildEnv({ PATH: '/usr/bin' }), { PATH: '/usr/bin' });
  });
});

describe('refusedTunable()', () => {
  it('allows MALLOC_* names with whole-number values', () => {
    for (const env of [{}, { MALLOC_ARENA_MAX: '2' }, { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '0' }, { MALLOC_A: '1' }, { [`MALLOC_${'A'.repeat(40)}`]: '1' }, { MALLOC_X: '9'.repeat(12) }] as Array<Record<string, string>>) {
      assert.equal(refusedTunable(env), undefined, JSON.stringify(env));
    }
  });

  it('Security: refuses any other name, naming the variable and the rule', () => {
    for (const key of ['NODE_OPTIONS', 'LD_PRELOAD', 'PATH', 'GLIBC_TUNABLES', 'KEYBROKER_CHILD', 'MALLOC_', `MALLOC_${'A'.repeat(41)}`, 'MALLOC_arena', 'XMALLOC_ARENA_MAX', 'MALLOC_ARENA_MAX ', 'MALLOC_ARENA_MAX\nLD_PRELOAD', 'MALLOC_1']) {
      assert.equal(refusedTunable({ [key]: '1' }), `${key} (only MALLOC_* tunables)`, JSON.stringify(key));
    }
  });

  it('Security: refuses a value that is not a whole number of at most 12 digits, naming the variable', () => {
    for (const value of ['', '-1', '1.5', '0x10', ' 1', '1 ', '1;rm -rf /', '1\n2', '9'.repeat(13), 'a1', '1a']) {
      assert.equal(refusedTunable({ MALLOC_ARENA_MAX: value }), "MALLOC_ARENA_MAX (a tunable's value is a number)", JSON.stringify(value));
    }
    assert.equal(refusedTunable({ MALLOC_ARENA_MAX: 2 as unknown as string }), "MALLOC_ARENA_MAX (a tunable's value is a number)");
  });

  it('names the first variable refused, checking every one (a good one first does not pass a bad one after it)', () => {
    assert.equal(refusedTunable({ MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--inspect', LD_PRELOAD: 'x' }), 'NODE_OPTIONS (only MALLOC_* tunables)');
    assert.equal(refusedTunable({ MALLOC_ARENA_MAX: '2', MALLOC_TOP_PAD_: 'x' }), "MALLOC_TOP_PAD_ (a tunable's value is a number)");
  });
});
