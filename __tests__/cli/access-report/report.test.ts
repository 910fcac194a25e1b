import { accessChanges, accessMatrix, code, inertText } from '../../../cli/access-report/report';
import { accessDiff, massRemoval } from '../../../lib/access/access-diff';
import { UserEntry } from '../../../lib/model/types';
import { cloneFleet, fleet, NOW, onlyDatabases, people, services } from '../../fixtures/fleet';
import { synthRevision } from '../../fixtures/synth';

const base = synthRevision();
const changes = (head: ReturnType<typeof synthRevision>) => accessChanges(accessDiff(base, head), base, head, { baseName: 'main' });

describe('accessMatrix', () => {
  test('people × databases as deployed, with expiry and reason from users.ts', () => {
    expect(accessMatrix(base, NOW).split('\n').slice(0, 6)).toEqual([
      '| Person or service | `amy` | `apg` | `my` | `pg` | Expires | Reason |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| `alice` | admin | admin | admin | admin |  |  |',
      '| `bob` | — | — | read | write |  |  |',
      '| `carol.x@example.com` | read | — | write | — | 2026-12-31 | T-1 |',
      '| `dave` | — | — | — | — | 2026-06-14 (expired) |  |',
    ]);
  });

  test('services are rows too, marked as services, with their reason', () => {
    const table = accessMatrix(synthRevision(people, fleet, undefined, services), NOW);
    expect(table).toContain('| `etl` (service, owner data-platform) | read | write | — | — |  |  |');
    expect(table).toContain('| `reports-api` (service, owner team-reports) | — | — | write | read |  | REP-7 |');
  });

  test('lists what each tier can do', () => {
    expect(accessMatrix(base, NOW)).toContain('**`my`**\n- `admin`: `ALTER, ALTER ROUTINE,');
    expect(accessMatrix(base, NOW)).toContain('- `read`: `SELECT, SHOW VIEW on shop.*`');
  });

  test('a reason cannot hide the rows after it, nor break the table', () => {
    const users: UserEntry[] = [
      { username: 'mallory', access: { pg: 'read' }, reason: 'x <!-- a | b' },
      { username: 'zed', access: { pg: 'admin' } },
    ];
    // Both are on pg only, so pg is the one database this revision needs.
    const table = accessMatrix(synthRevision(users, onlyDatabases('pg').config), NOW);
    expect(table).toContain('| x &lt;!-- a \\| b |');
    expect(table).not.toContain('<!--');
    expect(table).toMatch(/^\| `zed` \| admin \|/m);
  });
});

describe('accessChanges', () => {
  test('says explicitly when nothing changes, whatever the order of users.ts', () => {
    expect(changes(synthRevision([...people].reverse()))).toBe('## Database access changes against `main`\n\nNo access changes.\n');
  });

  test("a new service shows as gaining access, with its role, the policy attached to it, and the trust of a created role", () => {
    const head = synthRevision(people, fleet, undefined, services);
    const text = changes(head);
    expect(text).toContain('**Gains access**\n- `etl` (service, owner data-platform): `amy` read, `apg` write\n- `reports-api` (service, owner team-reports): `my` write, `pg` read — reason: REP-7');
    expect(text).toContain('**Service roles**\n- + `role etl ← policy rds-iam-etl-connect`; + `role rds-iam-reports-api ← policy rds-iam-reports-api-connect`');
    expect(text).toContain('"arn:aws:rds-db:eu-west-1:123456789012:dbuser:<resource_id of database-pg>/reports-api"');
    expect(text).toContain('- `services-production role rds-iam-reports-api trust` added');
    expect(text).toContain('"ecs-tasks.amazonaws.com"');
    expect(text).not.toContain('Other resources');
  });

  test('shows people added, removed, re-tiered and re-dated, a schema added in config.ts, a privilege and a policy change', () => {
    const config = cloneFleet();
    config.databases.pg.schemas = ['public', 'audit'];
    config.identityCenter!.sessionDuration = 'PT2H';
    const after: UserEntry[] = [
      { username: 'alice', access: { pg: 'admin', my: 'admin', apg: 'admin' } },
      { username: 'carol.x@example.com', access: { my: 'admin', amy: 'read' }, expires: '2027-03-31', reason: 'T-1' },
      { username: 'erin', displayName: 'Erin <b>', access: { apg: 'write' }, expires: '2026-09-30', reason: 'SEC-2 <!--' },
    ];
    const head = synthRevision(after, config as typeof fleet, (stacks) => {
      const grants = stacks['users-my'].resource.mysql_grant;
      const read = Object.values(grants).find((g: any) => g.role?.includes('tier-read') && g.privileges) as { privileges: string[] };
      read.privileges = [...read.privileges, 'DROP'];
    });
    const report = changes(head);
    expect(report).toContain('**Gains access**\n- `erin` (Erin &lt;b&gt;): `apg` write — expires 2026-09-30, reason: SEC-2 &lt;!--');
    expect(report).toContain('- `bob`: `my` (was read), `pg` (was write) — removed from users.ts');
    expect(report).toContain('**Tier changes**\n- `carol.x@example.com`: `my` write → admin');
    expect(report).toContain('**Expiry changes**\n- `carol.x@example.com`: 2026-12-31 → 2027-03-31');
    expect(report).toContain('- `my` read: + `DROP on shop.*`');
    expect(report).toContain('**Schemas and databases the tiers reach**\n- `pg`: + `schema audit`; − `schema reporting`');
    expect(report).toContain('-   "session_duration": "PT1H"\n  +   "session_duration": "PT2H"');
    expect(report).not.toContain('<!--');
    expect(report).toMatchSnapshot();
  });

  test('warns first about a mass removal, with the acknowledgement that lets it through', () => {
    const head = synthRevision(people.slice(0, 1));
    const diff = accessDiff(base, head);
    const report = accessChanges(diff, base, head, { baseName: 'main', massRemoval: massRemoval(diff, base, head, { maxRemovedPeople: 1, now: NOW }) });
    expect(report).toMatch(/^## Database access changes against `main`\n\n> \[!WARNING\]\n> \*\*Mass removal\.\*\*/);
    expect(report).toContain('> - 2 of 3 people lose all database access (more than 1): bob, carol.x@example.com');
    expect(report).toMatch(/RDS_IAM_ACKNOWLEDGE_REMOVAL=remove-2-0-[0-9a-f]{32}/);
  });
});

describe('inertText', () => {
  test('fails to hide or dress up anything: comments, tags, links, emphasis and table bars are literal', () => {
    expect(inertText('ok <!-- hidden')).toBe('ok &lt;!-- hidden');
    expect(inertText('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(inertText('[click](https://evil) **bold** `code` a|b ~~x~~ \\_')).toBe('\\[click\\](https://evil) \\*\\*bold\\*\\* \\`code\\` a\\|b \\~\\~x\\~\\~ \\\\\\_');
    expect(inertText('T-1, SEC.2 & more')).toBe('T-1, SEC.2 &amp; more');
  });
});

describe('code', () => {
  test('keeps backticks inside a code span', () => {
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
    expect(code('<!--')).toBe('`<!--`');
  });
});
