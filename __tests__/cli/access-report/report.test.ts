import { accessChanges, accessMatrix, inertText } from '../../../cli/access-report/report';
import { UserEntry } from '../../../lib/model/types';
import { fleet, NOW, people } from '../../fixtures/fleet';

describe('accessMatrix', () => {
  test('people × databases with tiers, expiry and reason', () => {
    expect(accessMatrix(people, fleet, NOW)).toBe([
      '| Person | `amy` | `apg` | `my` | `pg` | Expires | Reason |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| `alice` | admin | admin | admin | admin |  |  |',
      '| `bob` | — | — | read | write |  |  |',
      '| `carol.x@example.com` | read | — | write | — | 2026-12-31 | T-1 |',
      '| `dave` | — | — | — | read | 2026-06-14 (expired) |  |',
      '',
    ].join('\n'));
  });

  test('escapes table-breaking characters in free text', () => {
    const users: UserEntry[] = [{ username: 'x', access: { pg: 'read' }, reason: 'a | b\nc' }];
    expect(accessMatrix(users, fleet, NOW)).toContain('| a \\| b c |');
  });
});

describe('accessChanges', () => {
  test('says explicitly when nothing changes, whatever the order', () => {
    expect(accessChanges(people, [...people].reverse(), 'main')).toBe('## Database access changes against `main`\n\nNo access changes.\n');
  });

  test('lists gains, losses, tier and expiry changes', () => {
    const after: UserEntry[] = [
      { username: 'alice', access: { pg: 'admin', my: 'admin', apg: 'admin' } },
      { username: 'bob', access: { pg: 'read', my: 'read' } },
      { username: 'carol.x@example.com', access: { my: 'write', amy: 'read' }, expires: '2027-03-31', reason: 'T-1' },
      { username: 'dave', access: { pg: 'read' }, expires: '2026-06-14' },
      { username: 'erin', displayName: 'Erin', access: { apg: 'write' }, expires: '2026-09-30', reason: 'SEC-2' },
    ];
    expect(accessChanges(people, after, 'main')).toBe([
      '## Database access changes against `main`',
      '',
      '**Gains access**',
      '- `erin` (Erin): `apg` write — expires 2026-09-30, reason: SEC-2',
      '',
      '**Loses access**',
      '- `alice`: `amy` (was admin)',
      '',
      '**Tier changes**',
      '- `bob`: `pg` write → read',
      '',
      '**Expiry changes**',
      '- `carol.x@example.com`: 2026-12-31 → 2027-03-31',
      '',
    ].join('\n'));
  });

  test('a removed person loses everything', () => {
    expect(accessChanges(people, people.filter((p) => p.username !== 'bob'), 'main'))
      .toContain('- `bob`: `my` (was read), `pg` (was write) — removed from users.ts');
  });
});

describe('inertText', () => {
  test('fails to hide or dress up anything: comments, tags, links, emphasis and table bars are literal', () => {
    expect(inertText('ok <!-- hidden')).toBe('ok &lt;!-- hidden');
    expect(inertText('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(inertText('[click](https://evil) **bold** `code` a|b ~~x~~ \\_')).toBe('\\[click\\](https://evil) \\*\\*bold\\*\\* \\`code\\` a\\|b \\~\\~x\\~\\~ \\\\\\_');
    expect(inertText('T-1, SEC.2 & more')).toBe('T-1, SEC.2 &amp; more');
  });

  test('a reason cannot hide the rows after it in the report', () => {
    const users = [
      { username: 'mallory', access: { pg: 'read' as const }, reason: 'x <!--' },
      { username: 'zed', access: { pg: 'admin' as const } },
    ];
    const table = accessMatrix(users, fleet, NOW);
    expect(table).toContain('x &lt;!--');
    expect(table).not.toContain('<!--');
    expect(table).toMatch(/^\| `zed` \|( — \|){3} admin \|/m);
  });
});
