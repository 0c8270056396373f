// A VM's tags as a policy fact (issue 14, D60) from answers vcsim never gives: the real
// VapiClient over TLS against the fake vCenter (test/support/fake-vcenter.ts). Security: a tag
// list that could be incomplete (a repeated or non-text id, a tag or category without a name,
// an answer that is not a list) is left unknown, never partial: a partial list could hide
// the tag a deny rule looks for.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VapiClient } from '../../../../src/connectors/vsphere/vapi/vapi-client.js';
import { readVmTags } from '../../../../src/mcp/vsphere/plan/vm-tags.js';
import { startFakeVcenter, type FakeVcenter } from '../../../support/fake-vcenter.js';

const json = { 'content-type': 'application/json' };
const TAGGING = '/rest/com/vmware/cis/tagging';
/** The tags attached to each VM, by VM id: any JSON value vCenter might answer. */
const ATTACHED: Record<string, unknown> = {
  'vm-1': ['t-z', 't-a', 't/b?'],
  'vm-none': null,
  'vm-empty': [],
  'vm-dup': ['t-a', 't-a'],
  'vm-number': ['t-a', 5],
  'vm-object': { 't-a': true },
  'vm-tag-no-name': ['t-a', 't-no-name'],
  'vm-tag-empty-name': ['t-empty-name'],
  'vm-tag-number-name': ['t-number-name'],
  'vm-tag-no-category': ['t-no-category'],
  'vm-tag-null': ['t-null'],
  'vm-category-no-name': ['t-a', 't-in-nameless'],
  'vm-category-empty-name': ['t-in-empty'],
};
const TAGS: Record<string, unknown> = {
  't-a': { name: 'prod', category_id: 'c-env' },
  't-z': { name: 'alpha', category_id: 'c/owner?' },
  't/b?': { name: 'test', category_id: 'c-env' },
  't-no-name': { category_id: 'c-env' },
  't-empty-name': { name: '', category_id: 'c-env' },
  't-number-name': { name: 5, category_id: 'c-env' },
  't-no-category': { name: 'x' },
  't-null': null,
  't-in-nameless': { name: 'x', category_id: 'c-nameless' },
  't-in-empty': { name: 'x', category_id: 'c-empty' },
};
const CATEGORIES: Record<string, unknown> = { 'c-env': { name: 'env' }, 'c/owner?': { name: 'owner' }, 'c-nameless': { description: 'no name' }, 'c-empty': { name: '' } };

describe('readVmTags() on answers vcsim never gives', () => {
  let fake: FakeVcenter;
  let client: VapiClient;
  const paths: string[] = [];
  const bodies: unknown[] = [];

  before(async () => {
    fake = await startFakeVcenter((req) => {
      paths.push(req.path);
      if (req.method === 'POST' && req.path === `${TAGGING}/tag-association?~action=list-attached-tags`) {
        const body = JSON.parse(req.body) as { object_id: { id: string } };
        bodies.push(body);
        return { body: JSON.stringify({ value: ATTACHED[body.object_id.id] }), headers: json };
      }
      const m = /^\/rest\/com\/vmware\/cis\/tagging\/(tag|category)\/id:(.*)$/.exec(req.path);
      if (req.method === 'GET' && m) {
        const value = (m[1] === 'tag' ? TAGS : CATEGORIES)[decodeURIComponent(m[2]!)];
        return value === undefined ? { status: 404, body: '' } : { body: JSON.stringify({ value }), headers: json };
      }
      return { status: 400, body: '' };
    });
    client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session: { token: async () => 'vapi-session', renew: async () => 'vapi-session' } });
  });
  after(async () => fake.close());

  const tags = (id: string) => readVmTags(client, { type: 'VirtualMachine', value: id });

  it("reads category:name, sorted, each category once, with the ids encoded in the path", async () => {
    paths.length = 0;
    bodies.length = 0;
    assert.deepEqual(await tags('vm-1'), ['env:prod', 'env:test', 'owner:alpha']);
    assert.deepEqual(bodies, [{ object_id: { id: 'vm-1', type: 'VirtualMachine' } }]);
    assert.deepEqual(paths.filter((p) => p.includes('/category/')).sort(), [`${TAGGING}/category/id:c%2Fowner%3F`, `${TAGGING}/category/id:c-env`]);
    assert.ok(paths.includes(`${TAGGING}/tag/id:t%2Fb%3F`), JSON.stringify(paths));
  });

  it('a VM without tags has the fact [] (vcsim answers null, vCenter [])', async () => {
    assert.deepEqual(await tags('vm-none'), []);
    assert.deepEqual(await tags('vm-empty'), []);
  });

  it('Security: an answer that could make the list incomplete leaves the fact unknown', async () => {
    for (const vm of ['vm-dup', 'vm-number', 'vm-object', 'vm-tag-no-name', 'vm-tag-empty-name', 'vm-tag-number-name', 'vm-tag-no-category', 'vm-tag-null', 'vm-category-no-name', 'vm-category-empty-name']) {
      assert.equal(await tags(vm), undefined, vm);
    }
  });

  it('a tag that cannot be read fails the read (the plan then leaves the fact out)', async () => {
    ATTACHED['vm-gone'] = ['t-a', 't-gone'];
    await assert.rejects(tags('vm-gone'), 'a tag that cannot be read fails the read');
  });
});
