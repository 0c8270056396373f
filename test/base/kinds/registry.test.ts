import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { Config } from '../../../src/base/contracts/config.js';
import { Endpoint } from '../../../src/base/contracts/endpoint.js';
import { defineKind, endpointSchemaOf } from '../../../src/base/kinds/kind-descriptor.js';
import { EndpointKind, allKinds, findKind, kindFieldValues, kindIds, kindList, registerKind } from '../../../src/base/kinds/registry.js';

// A kind that exists only in this test: the registry must take it without any edit in src/.
const extraKind = () => defineKind({
  id: 'testkind',
  title: 'Test kind',
  system: 'A test upstream',
  keywords: ['test'],
  defaultApiPath: '/api',
  urlExample: 'https://t.example',
  endpoint: endpointSchemaOf('testkind', { realm: z.string().min(1) }),
  fields: [{ key: 'realm', flag: 'realm', metavar: 'REALM', label: 'Realm', required: 'give the realm' }],
});

const endpointOf = (kind: string, extra: object = {}) => ({
  id: 'e1', kind, url: 'https://t.example/api', username: 'u', tls: { verify: true }, readOnly: false, credential: 'endpoint:e1', ...extra,
});
const configWith = (endpoint: object, servers: object[] = []) => ({ version: 1, endpoints: [endpoint], credentials: [{ id: 'endpoint:e1', ttlSeconds: 3600 }], servers });

describe('kind registry', () => {
  it('holds the built-in kinds in order, and lists them as a sentence', () => {
    assert.deepEqual(kindIds(), allKinds().map((k) => k.id));
    assert.ok(kindIds().length >= 2, 'at least the two built-in kinds (vSphere, P6) are registered');
    assert.match(kindList(), / or /);
  });

  it('takes a kind registered at run time: config.json, the kind schema and reserved server names follow, and dispose removes it', () => {
    const before = kindIds();
    assert.equal(Config.safeParse(configWith(endpointOf('testkind', { realm: 'r' }))).success, false, 'unknown before registration');
    const registration = registerKind(extraKind());
    try {
      assert.deepEqual(kindIds(), [...before, 'testkind']);
      assert.equal(EndpointKind.safeParse('testkind').success, true);
      const cfg = Config.parse(configWith(endpointOf('testkind', { realm: 'r' })));
      assert.equal(cfg.endpoints[0]?.kind, 'testkind');
      assert.deepEqual(kindFieldValues(cfg.endpoints[0]!), { realm: 'r' });
      // The kind's own schema is applied: a missing field is named with its path.
      const bad = Config.safeParse(configWith(endpointOf('testkind')));
      assert.ok(!bad.success && bad.error.issues.some((i) => i.path.join('.') === 'endpoints.0.realm'), 'a missing kind field is refused and named by its path endpoints.0.realm');
      // Its id is the built-in server's name, so an extra server may not take it.
      const taken = Config.safeParse(configWith(endpointOf('testkind', { realm: 'r' }), [{ name: 'testkind', kind: 'testkind', module: '/x.js' }]));
      assert.ok(!taken.success && taken.error.issues.some((i) => /server name "testkind" is taken/.test(i.message)), 'an extra server named like the kind is refused as a taken name');
      assert.throws(() => registerKind(extraKind()), /registered already/);
    } finally {
      registration.dispose();
    }
    assert.deepEqual(kindIds(), before);
    assert.equal(findKind('testkind'), undefined);
    const gone = EndpointKind.safeParse('testkind');
    assert.ok(!gone.success && gone.error.issues[0]!.message === `unknown kind "testkind"; expected ${kindList()}`, 'an unregistered kind is refused as unknown, with the list of kinds');
  });

  it('still parses an endpoint of each built-in kind, with the P6 login variant defaulted', () => {
    const v = Endpoint.parse(endpointOf('vsphere'));
    assert.equal(v.kind, 'vsphere');
    const p = Endpoint.parse(endpointOf('p6', { database: 'PMDB' }));
    assert.deepEqual(kindFieldValues(p), { database: 'PMDB', loginVariant: 'headers' });
    assert.equal(Endpoint.safeParse(endpointOf('vsphere', { database: 'x' })).success, false, 'strict: a field of another kind is refused');
  });

  it('refuses a malformed kind with a message saying what to fix', () => {
    assert.throws(() => registerKind({ ...extraKind(), id: 'Bad Kind' }), /lower-case word/);
    assert.throws(() => registerKind({ ...extraKind(), id: 'otherkind' }), /kind must be the literal 'otherkind'/);
    assert.throws(() => registerKind({ ...extraKind(), endpoint: z.string() }), /endpointSchemaOf/);
    assert.throws(() => registerKind({ ...extraKind(), fields: [{ key: 'nope', flag: 'nope', metavar: 'N', label: 'N' }] }), /field nope is not in its endpoint schema/);
    assert.throws(() => registerKind(findKind('p6')!), /registered already/);
  });
});
