// The p6_call path guard names the precise reason for each refusal (one clear line that
// says what to do next), and accepts exactly the allow-list's edge cases. Found by mutation
// testing (docs/TESTING.md): the guard refused every vector, but several checks could be
// removed unnoticed because a later check refused the same path with a vaguer message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkP6CallQuery, resolveP6CallPath } from '../../../../src/connectors/p6/call/resolve-p6-call-path.js';

const BASE = 'https://p6.corp.example/p6ws/restapi';
const SEGMENTS = 'segments may only hold letters, digits, "_", "-" and "."';
const DOTS = '"." and ".." segments are not allowed';

const REASONS: Array<[string, string]> = [
  ['', 'it is empty'],
  ['x'.repeat(513), 'it is longer than 512 characters'],
  ['project\r\nHost: evil', 'it contains control characters'],
  ['project\u0000', 'it contains control characters'],
  ['pro ject', 'it contains spaces or non-ASCII characters'],
  ['projec\u0442', 'it contains spaces or non-ASCII characters'],
  ['project\\x', 'it contains a backslash'],
  ['http://evil.example/p6ws/restapi/project', 'absolute URLs are not allowed'],
  ['user:pw@evil.example/project', 'absolute URLs are not allowed'],
  ['//evil.example/project', '"//" could switch hosts'],
  ['project//x', '"//" could switch hosts'],
  ['@evil.example', 'userinfo ("@") is not allowed'],
  ['project/a@b', 'userinfo ("@") is not allowed'],
  ['%2e%2e/p6', 'percent-encoded characters are not allowed'],
  ['project?Fields=Id', 'put query parameters in "query", not in the path'],
  ['project#x', 'put query parameters in "query", not in the path'],
  ['/p6/action/login', 'it is outside /p6ws/restapi'],
  ['/p6ws/restapix/project', 'it is outside /p6ws/restapi'],
  ['/', 'it is outside /p6ws/restapi'],
  ['../project', DOTS],
  ['./project', DOTS],
  ['project/.', DOTS],
  ['project/..', DOTS],
  ['a..b', DOTS],
  ['/p6ws/restapi/../p6', DOTS],
  ['a/b/c/d/e', SEGMENTS],
  ['-x', SEGMENTS],
  ['project/_x', SEGMENTS],
  ['/p6ws/restapi', SEGMENTS],
  ['proj!ect', SEGMENTS],
  ['project/a:b', SEGMENTS], // A colon past the start is no URL scheme.
];

describe('resolveP6CallPath() reasons', () => {
  for (const [path, reason] of REASONS) {
    it(`refuses ${JSON.stringify(path.length > 30 ? `${path.slice(0, 30)}…` : path)}: ${reason}`, () => {
      assert.throws(() => resolveP6CallPath(BASE, path), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CONN_INVALID_REQUEST');
        assert.equal(e.message, `p6_call refused the path: ${reason}; give a path under the REST base such as "project" or "/p6ws/restapi/activity"`);
        return true;
      });
    });
  }

  it('refuses a path that is not a string at all (an unchecked caller) as empty', () => {
    for (const path of [undefined, null, 42, ['project']]) {
      assert.throws(() => resolveP6CallPath(BASE, path as unknown as string), /p6_call refused the path: it is empty;/);
    }
  });

  it('accepts the allow-list edges: 512 characters, four segments, inner dots, "_" and "-", a trailing slash', () => {
    assert.deepEqual(resolveP6CallPath(BASE, 'x'.repeat(512)).segments, ['x'.repeat(512)]);
    assert.deepEqual(resolveP6CallPath(BASE, 'a/b/c/d').segments, ['a', 'b', 'c', 'd']);
    assert.deepEqual(resolveP6CallPath(BASE, 'Pro_ject/a-b/c.d/E1').segments, ['Pro_ject', 'a-b', 'c.d', 'E1']);
    assert.deepEqual(resolveP6CallPath(BASE, 'project/').segments, ['project']);
    assert.deepEqual(resolveP6CallPath(BASE, '/p6ws/restapi/project/').segments, ['project']);
    const { url } = resolveP6CallPath(BASE, '/p6ws/restapi/calendar/totalWorkHours');
    assert.equal(url.href, `${BASE}/calendar/totalWorkHours`);
  });

  it('names the tenant base path of a cloud endpoint when a path is outside it', () => {
    const cloud = 'https://sin1.p6.oraclecloud.com/adani/p6ws/restapi';
    assert.throws(() => resolveP6CallPath(cloud, '/p6ws/restapi/eps'), /it is outside \/adani\/p6ws\/restapi;/);
    assert.deepEqual(resolveP6CallPath(cloud, '/adani/p6ws/restapi/eps').segments, ['eps']);
  });
});

describe('checkP6CallQuery() reasons', () => {
  it('accepts names of a letter then up to 63 letters or digits, and any value without control characters', () => {
    const long = `F${'x'.repeat(63)}`;
    assert.deepEqual(checkP6CallQuery({ [long]: 'a b%&=' }), { [long]: 'a b%&=' });
    assert.deepEqual(checkP6CallQuery({}), {});
  });

  it('refuses other names, quoting at most 40 characters of them', () => {
    for (const name of [`F${'x'.repeat(64)}`, '1Fields', 'Fi-elds', '', 'Fields\n']) {
      assert.throws(() => checkP6CallQuery({ [name]: 'x' }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CONN_INVALID_REQUEST');
        assert.equal(e.message, `"${name.slice(0, 40)}" is not a P6 query parameter name; use names such as Fields or Filter`);
        return true;
      });
    }
  });

  it('refuses a value with control characters, naming the parameter', () => {
    assert.throws(() => checkP6CallQuery({ Fields: 'Id', Filter: 'a\r\nb' }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CONN_INVALID_REQUEST');
      assert.equal(e.message, 'the value of query parameter Filter contains control characters');
      return true;
    });
  });
});
