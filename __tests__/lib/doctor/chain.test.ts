import { formatReport, LinkCheck, LinkName, runChain } from '../../../lib/doctor/chain';
import { limitsExceeded } from '../../../lib/doctor/token-limits';

const holds: LinkCheck = async (link) => link.pass('it', 'holds');
const all = (change: Partial<Record<LinkName, LinkCheck>> = {}) => ({ lists: holds, deploys: holds, caller: holds, database: holds, client: holds, ...change });

describe('the chain', () => {
  test('is ok, exit-worthy, only when every link holds', async () => {
    const report = await runChain({ database: 'orders', user: 'jane' }, all(), () => 'person');
    expect(report.ok).toBe(true);
    expect(report.links.map((l) => `${l.link} ${l.status}`)).toEqual(['lists ok', 'deploys ok', 'caller ok', 'database ok', 'client ok']);
    expect(formatReport(report)).toMatch(/^doctor: orders as jane \(person\)\n[\s\S]*Every link holds: a fresh token logs in\.\n$/);
  });

  test('stops at the first broken link: the links after it are not checked', async () => {
    const ran: string[] = [];
    const track = (name: LinkName): LinkCheck => async (link) => {
      ran.push(name);
      link.pass('x', 'y');
    };
    const report = await runChain({ database: 'orders', user: 'jane' }, {
      ...all(), lists: track('lists'), deploys: track('deploys'), database: track('database'), client: track('client'),
      caller: async (link) => {
        ran.push('caller');
        link.pass('credentials', 'profile p');
        link.fail('session name', "this session is bob's", 'use your own profile');
      },
    });
    expect(ran).toEqual(['lists', 'deploys', 'caller']);
    expect(report.ok).toBe(false);
    expect(report.broken).toEqual({ link: 'caller', check: 'session name', wrong: "this session is bob's", fix: 'use your own profile' });
    expect(report.links.map((l) => l.status)).toEqual(['ok', 'ok', 'broken', 'not checked', 'not checked']);
    const text = formatReport(report);
    expect(text).toMatch(/3\. the caller \(your AWS credentials and session\): BROKEN\n {3}ok {4}credentials {3}profile p\n {3}FAIL {2}session name {2}this session is bob's\n {9}fix: {10}use your own profile\n4\. .*: not checked/);
    expect(text).toMatch(/The login does not work: caller, session name\./);
  });

  test('anything but a broken link is a bug and propagates', async () => {
    await expect(runChain({ database: 'd', user: 'u' }, all({ deploys: async () => { throw new TypeError('boom'); } }))).rejects.toThrow(/boom/);
  });

  test('token limits: prompts cut tokens, the environment does not', () => {
    expect(limitsExceeded('psql', 300).map((l) => l.keeps)).toEqual([99]);
    expect(limitsExceeded('mysql', 60)).toEqual([]);
  });
});
