import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { P6Client, type P6SessionSource } from '../../../../src/connectors/p6/client/p6-client.js';
import { p6Login } from '../../../../src/connectors/p6/session/p6-login.js';
import { p6And, p6Clause } from '../../../../src/connectors/p6/client/p6-filter.js';
import { BIG_PROJECT_OBJECT_ID, generateDataset } from '../../../fixtures/p6/generate-dataset.js';
import { htmlResponse } from '../../../fixtures/p6/fake-response.js';
import { startP6Fake, type P6Fake } from '../../../fixtures/p6/start-p6-fake.js';
import { until } from '../../../support/wait.js';

const DATASET = { projects: 6, bigProjectActivities: 2500 };

describe('P6Client', () => {
  let fake: P6Fake;
  let dispatcher: Agent;
  let logins = 0;
  const data = generateDataset(DATASET);
  const session = (): P6SessionSource => {
    let cookie: string | undefined;
    const login = async () => {
      logins++;
      cookie = (await p6Login({ baseUrl: fake.url, database: 'PMDB', username: 'admin', password: 'pw', variant: 'headers', dispatcher })).cookieHeader;
      return cookie;
    };
    return { token: async () => cookie ?? login(), renew: async () => login() };
  };
  const client = (opts: { batchSize?: number } = {}) => new P6Client({ baseUrl: fake.url, dispatcher, database: 'PMDB', session: session(), ...opts });

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }], dataset: DATASET, sessionTtlMs: 60_000 });
    dispatcher = new Agent();
  });
  after(async () => {
    await dispatcher.close();
    await fake.stop();
  });

  it('reads with Fields, Filter and OrderBy', async () => {
    const rows = await client().read('project', { fields: ['Id', 'Status'], filter: p6Clause('Status', ':eq:', 'Planned'), orderBy: 'Id desc' });
    const want = data['project']!.filter((p) => p['Status'] === 'Planned').map((p) => ({ Id: p['Id'], Status: 'Planned' })).reverse();
    assert.deepEqual(rows, want);
  });

  it('pages a big read by ObjectId with no duplicates or gaps, never one request for everything', async () => {
    const c = client({ batchSize: 300 });
    const filter = p6And(p6Clause('ProjectObjectId', ':eq:', BIG_PROJECT_OBJECT_ID), p6Clause('Status', '!=', 'Completed'));
    const want = data['activity']!.filter((a) => a['ProjectObjectId'] === BIG_PROJECT_OBJECT_ID && a['Status'] !== 'Completed').map((a) => a['ObjectId']);
    const seen: unknown[] = [];
    let after: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await c.readPage('activity', { fields: ['ObjectId', 'Id'], filter, after, limit: 700 });
      assert.equal(page.total, want.length);
      assert.ok(page.rows.length <= 700, 'a page holds at most the 700 rows asked for');
      seen.push(...page.rows.map((r) => r['ObjectId']));
      pages++;
      if (page.next === undefined) break;
      after = page.next;
    }
    assert.deepEqual(seen, want);
    assert.equal(pages, Math.ceil(want.length / 700));
  });

  it('pages with IN lists when the filter uses :or:', async () => {
    const filter = "Status:eq:'Completed' :or: Status:eq:'In Progress'";
    const page = await client({ batchSize: 50 }).readPage('activity', { fields: ['Status'], filter, limit: 120 });
    const want = data['activity']!.filter((a) => a['Status'] !== 'Not Started').slice(0, 120).map((a) => ({ Status: a['Status'] }));
    assert.deepEqual(page.rows, want);
  });

  describe('read-ahead (issue 17 item 4)', () => {
    const filter = p6Clause('ProjectObjectId', ':eq:', BIG_PROJECT_OBJECT_ID);
    const big = () => data['activity']!.filter((a) => a['ProjectObjectId'] === BIG_PROJECT_OBJECT_ID);
    // Its own fake: read-aheads of the other tests' walks must not land in these counts.
    let own: P6Fake;
    before(async () => {
      own = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }], dataset: DATASET, sessionTtlMs: 60_000 });
    });
    after(async () => {
      await own.stop();
    });
    const ownSession = (): P6SessionSource => {
      let cookie: string | undefined;
      const login = async () => (cookie = (await p6Login({ baseUrl: own.url, database: 'PMDB', username: 'admin', password: 'pw', variant: 'headers', dispatcher })).cookieHeader);
      return { token: async () => cookie ?? login(), renew: login };
    };
    const client = (session = ownSession()) => new P6Client({ baseUrl: own.url, dispatcher, database: 'PMDB', session });
    const activityReads = () => own.counts()['GET /p6ws/restapi/activity'] ?? 0;
    /** Page 1, then wait until P6 has seen the read of page 2 (ids + page 1 + page 2). */
    const firstPageThenReadAhead = async (c: P6Client) => {
      own.resetCounts();
      const page = await c.readPage('activity', { fields: ['ObjectId', 'Name'], filter, limit: 500 });
      await until('the read-ahead of page 2', () => activityReads() >= 3);
      return page;
    };

    it('reads the next page while the caller handles this one, and reads no page twice', async () => {
      const c = client();
      let page = await firstPageThenReadAhead(c);
      const seen = page.rows.map((r) => r['ObjectId']);
      while (page.next !== undefined) {
        page = await c.readPage('activity', { fields: ['ObjectId', 'Name'], filter, after: page.next, limit: 500 });
        seen.push(...page.rows.map((r) => r['ObjectId']));
      }
      assert.deepEqual(seen, big().map((a) => a['ObjectId']));
      // One ids read, then each of the 5 pages exactly once.
      assert.equal(activityReads(), 1 + Math.ceil(big().length / 500));
    });

    it('hands out a page read ahead only while the session is live', async () => {
      let locked = false;
      const live = ownSession();
      const c = client({ token: async () => { if (locked) throw new Error('endpoint locked'); return live.token(); }, renew: live.renew });
      const page = await firstPageThenReadAhead(c);
      locked = true;
      await assert.rejects(c.readPage('activity', { fields: ['ObjectId', 'Name'], filter, after: page.next, limit: 500 }), /endpoint locked/);
    });

    it('never logs in for a read ahead: on a 401 it is dropped and the page is read on demand', async () => {
      const live = ownSession();
      let tokens = 0;
      let renewals = 0;
      // The third cookie asked for (ids, page 1, then the read ahead of page 2) is one P6 refuses.
      const c = client({ token: async () => (++tokens === 3 ? 'JSESSIONID=expired' : live.token()), renew: async (stale) => (renewals++, live.renew(stale)) });
      const page = await firstPageThenReadAhead(c);
      const next = await c.readPage('activity', { fields: ['ObjectId', 'Name'], filter, after: page.next, limit: 500 });
      assert.deepEqual(next.rows.map((r) => r['ObjectId']), big().slice(500, 1000).map((a) => a['ObjectId']));
      assert.equal(renewals, 0);
    });

    it('forgets pages read ahead after a write', async () => {
      const c = client();
      const page = await firstPageThenReadAhead(c);
      const target = big()[500]!['ObjectId'] as number;
      await c.write('PUT', 'activity', [{ ObjectId: target, Name: 'Renamed after the read-ahead' }]);
      const next = await c.readPage('activity', { fields: ['ObjectId', 'Name'], filter, after: page.next, limit: 500 });
      assert.deepEqual(next.rows[0], { ObjectId: target, Name: 'Renamed after the read-ahead' });
    });
  });

  it('renews once on 401 and retries, transparently', async () => {
    const c = client();
    await c.read('eps', { fields: ['ObjectId'] });
    const before = logins;
    fake.advance(61_000);
    assert.equal((await c.read('eps', { fields: ['ObjectId'] })).length, data['eps']!.length);
    assert.equal(logins - before, 1);
  });

  it('gives up after one renewal when P6 keeps answering 401', async () => {
    const c = new P6Client({ baseUrl: fake.url, dispatcher, session: { token: async () => 'JSESSIONID=dead', renew: async () => 'JSESSIONID=stilldead' } });
    await assert.rejects(c.read('eps', { fields: ['ObjectId'] }), { code: 'CONN_NOT_AUTHENTICATED' });
  });

  it('writes JSON arrays and deletes by ObjectId', async () => {
    const c = client();
    assert.equal(await c.write('PUT', 'project', [{ ObjectId: BIG_PROJECT_OBJECT_ID + 1, Name: 'Renamed' }]), true);
    assert.equal(fake.store.find('project', BIG_PROJECT_OBJECT_ID + 1)?.['Name'], 'Renamed');
    const [id] = (await c.write('POST', 'calendar', [{ Name: 'Temp', Type: 'Global' }])) as number[];
    assert.equal(await c.write('DELETE', 'calendar', { objectIds: [id!] }), true);
    assert.equal(fake.store.find('calendar', id!), undefined);
  });

  it('maps errors to safe ConnectorErrors and refuses non-JSON success', async () => {
    const c = client();
    await assert.rejects(c.read('project', { fields: ['Bogus'] }), (e: Error & { code: string }) => e.code === 'CONN_FAULT' && /Bogus/.test(e.message) && !/JSESSIONID/.test(e.message));
    await assert.rejects(c.read('nosuch', { fields: ['ObjectId'] }), { code: 'CONN_FAULT' });
    fake.router.add({ method: 'GET', pattern: '/p6ws/restapi/test/htmlpage', auth: 'none', handler: () => htmlResponse(200, '<html></html>') });
    await assert.rejects(c.send('GET', ['test', 'htmlpage']), { code: 'CONN_BAD_RESPONSE' });
    await assert.rejects(c.read('project', { fields: ['Id;x'] }), { code: 'CONN_INVALID_REQUEST' });
  });

  it('gives up on a slow P6 with CONN_TIMEOUT', async () => {
    const slow = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }], slowMs: 2000 });
    try {
      const c = new P6Client({ baseUrl: slow.url, dispatcher, session: { token: async () => 'JSESSIONID=x', renew: async () => 'JSESSIONID=y' }, timeoutMs: 100 });
      await assert.rejects(c.read('project', { fields: ['ObjectId'] }), { code: 'CONN_TIMEOUT' });
    } finally {
      await slow.stop();
    }
  });

  it('never follows a redirect', async () => {
    fake.router.add({ method: 'GET', pattern: '/p6ws/restapi/test/moved', auth: 'none', handler: () => ({ status: 302, headers: { location: `${fake.origin}/p6/action/login` } }) });
    fake.resetCounts();
    await assert.rejects(client().send('GET', ['test', 'moved']), { code: 'CONN_BAD_RESPONSE' });
    assert.equal(fake.counts()['GET /p6/action/login'], undefined);
  });
});
