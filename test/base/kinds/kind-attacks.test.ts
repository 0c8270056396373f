// Attacks on the kind registry through config.json (issue 13 review): an endpoint of a kind
// that is not registered, a kind field that is an Object.prototype member, a server named
// like a kind or like a prototype member, a kind registered twice or named `constructor`.
// Each is refused with one line saying what to do.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../../src/base/contracts/config.js';
import { formatPath } from '../../../src/base/contracts/format-issue.js';
import { defineKind, endpointSchemaOf } from '../../../src/base/kinds/kind-descriptor.js';
import { findKind, kindIds, registerKind } from '../../../src/base/kinds/registry.js';

const endpointOf = (kind: unknown) => ({ id: 'e1', kind, url: 'https://t.example/api', username: 'u', tls: { verify: true }, readOnly: false, credential: 'endpoint:e1' });
const configWith = (endpoints: object[], servers: object[] = []) => ({ version: 1, endpoints, credentials: [{ id: 'endpoint:e1', ttlSeconds: 3600 }], servers });

/** The config's issues as the CLI and the app print them: one line each. */
function issuesOf(input: unknown): string[] {
  const r = Config.safeParse(input);
  assert.ok(!r.success, `accepted: ${JSON.stringify(input)}`);
  return r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

describe('the kind registry under attack', () => {
  it('an endpoint of a kind that is not registered is one line naming the kind and the choices', () => {
    for (const kind of ['nsx', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'VSPHERE', '', 7, null]) {
      assert.deepEqual(issuesOf(configWith([endpointOf(kind)])), [`endpoints[0].kind: unknown kind ${JSON.stringify(kind)}; expected ${kindIds().slice(0, -1).join(', ')} or ${kindIds().at(-1)}`], String(kind));
    }
    const { kind: _, ...noKind } = endpointOf('x');
    assert.deepEqual(issuesOf(configWith([noKind])), [`endpoints[0].kind: missing kind; expected ${kindIds().slice(0, -1).join(', ')} or ${kindIds().at(-1)}`]);
    // An inherited kind is no kind: only the endpoint's own field counts.
    assert.match(issuesOf(configWith([Object.assign(Object.create({ kind: 'vsphere' }), noKind)]))[0]!, /missing kind/);
  });

  it('an own __proto__ or constructor field on an endpoint is refused as an unknown key, never taken as a kind field', () => {
    const proto = JSON.parse(JSON.stringify({ ...endpointOf('vsphere'), x: 1 }).replace('"x"', '"__proto__"'));
    assert.ok(!Config.safeParse(configWith([proto])).success, 'an endpoint with an own __proto__ field is refused');
    assert.ok(!Config.safeParse(configWith([{ ...endpointOf('vsphere'), constructor: 'x' }])).success, 'an endpoint with a constructor field is refused');
  });

  it('a server named like a kind is taken; one named like a prototype member is reserved', () => {
    for (const kind of kindIds()) {
      assert.ok(issuesOf(configWith([], [{ name: kind, kind, module: '/x.js' }])).includes(`servers[0].name: server name "${kind}" is taken`), kind);
    }
    assert.deepEqual(issuesOf(configWith([], [{ name: 'constructor', kind: kindIds()[0], module: '/x.js' }])), ['servers[0].name: server name "constructor" is reserved; choose another name']);
    assert.match(issuesOf(configWith([], [{ name: 'x', kind: 'constructor', module: '/x.js' }]))[0]!, /servers\[0\]\.kind: unknown kind "constructor"/);
  });

  it('a kind registered twice, or with an id that is a prototype member, is a BugError naming it', () => {
    const kindNamed = (id: string) => defineKind({
      id, title: 'T', system: 'T', keywords: ['t'], defaultApiPath: '/api', urlExample: 'https://t.example', endpoint: endpointSchemaOf(id, {}), fields: [],
    });
    assert.throws(() => registerKind(findKind(kindIds()[0]!)!), /registered already; register each kind once/);
    for (const id of ['constructor', '__proto__', 'toString', 'Vsphere']) {
      assert.throws(() => registerKind(kindNamed(id)), { code: 'CORE_BUG', message: /is not a lower-case word/ }, id);
    }
    assert.equal(findKind('constructor'), undefined);
    const once = registerKind(kindNamed('demo-kind'));
    try {
      assert.throws(() => registerKind(kindNamed('demo-kind')), /kind demo-kind is registered already/);
    } finally {
      once.dispose();
    }
  });
});
