import { checkLists } from '../../../lib/doctor/lists';
import type { ProjectData } from '../../../lib/validation/data-file';
import { fleet, NOW, people, services } from '../../fixtures/fleet';
import { runLink } from './helpers';

const data: ProjectData = { config: fleet, users: people, services };
const lists = (user: string, database: string, change: Partial<ProjectData> = {}, now = NOW) =>
  runLink('lists', (link) => checkLists(link, { data: { ...data, ...change }, database, user, now, env: {} }));

describe('the lists link', () => {
  test('holds for a person with access: their entry, tier, expiry and validation', async () => {
    const { checks, broken, value } = await lists('carol.x@example.com', 'my');
    expect(broken).toBeUndefined();
    expect(checks.map((c) => `${c.name}: ${c.detail}`)).toEqual([
      'database: my is in config.ts',
      'entry: users.ts has "carol.x@example.com"',
      'access: my: write',
      'expiry: access until 2027-01-01T00:00Z',
      'validation: config.ts, users.ts and services.ts pass validation',
    ]);
    expect(value).toMatchObject({ kind: 'person', name: 'carol.x@example.com', tier: 'write' });
  });

  test('holds for a service, from services.ts', async () => {
    const { broken, value } = await lists('etl', 'apg');
    expect(broken).toBeUndefined();
    expect(value).toMatchObject({ kind: 'service', name: 'etl', tier: 'write' });
  });

  test('fails when the database is not in config.ts, listing the keys', async () => {
    expect((await lists('alice', 'orders')).broken).toMatchObject({ check: 'database', wrong: expect.stringMatching(/no database "orders"; its databases are amy, apg, my, pg/) });
  });

  test('fails when there is no entry, with the entry to add', async () => {
    const { broken } = await lists('zed', 'pg');
    expect(broken).toMatchObject({ link: 'lists', check: 'entry', wrong: 'there is no entry for "zed" in users.ts or services.ts' });
    expect(broken?.fix).toMatch(/\{ username: "zed", access: \{ pg: 'read' \}/);
  });

  test('fails when the name differs only in case, naming both spellings', async () => {
    const { broken } = await lists('Alice', 'pg');
    expect(broken).toMatchObject({ check: 'entry', wrong: expect.stringMatching(/users\.ts has "alice", not "Alice": names are case-sensitive/) });
    expect(broken?.fix).toMatch(/--user alice/);
  });

  test('fails when the entry gives other databases only', async () => {
    expect((await lists('bob', 'amy')).broken).toMatchObject({ check: 'access', wrong: 'the entry gives access to my, pg, not to amy' });
  });

  test('fails when the entry has expired, saying when access ended and how to renew', async () => {
    const { broken } = await lists('dave', 'pg');
    expect(broken).toMatchObject({ check: 'expiry', wrong: expect.stringMatching(/^access ended at 2026-06-15T00:00Z \(expires: "2026-06-14"\)/) });
    expect(broken?.fix).toMatch(/later expires in users\.ts/);
    // The day before, the same entry holds.
    expect((await lists('dave', 'pg', {}, new Date('2026-06-14T23:59:00Z'))).broken).toBeUndefined();
  });

  test("fails when validation fails elsewhere in the lists: nothing deploys, so the person's entry cannot either", async () => {
    const { broken } = await lists('alice', 'pg', { users: [...people, { username: 'eve', access: { pg: 'owner' } }] });
    expect(broken).toMatchObject({ check: 'validation', wrong: expect.stringMatching(/do not validate[\s\S]*users\[4\] \("eve"\)/) });
    expect(broken?.fix).toMatch(/npm run validate/);
  });
});
