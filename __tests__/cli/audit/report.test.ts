import { auditJson, auditText, DatabaseAudit, exitCode } from '../../../cli/audit/report';

const NONE = { undeclared: [], missing: [], wrongTier: [], unmanagedTierMembers: [], leftBehind: [], sessionsWithoutAccess: [], unknownLogins: [], departedDefiners: [], tierDefiners: [] };
const clean: DatabaseAudit = { status: 'clean', family: 'postgres', server: 'db:5432 as dbmaster', findings: NONE, actions: [] };
const drift: DatabaseAudit = {
  status: 'drift',
  family: 'mysql',
  server: 'db:3306 as dbmaster',
  findings: {
    ...NONE, undeclared: ['mal\u001b[2Jlory'], sessionsWithoutAccess: [{ id: 9, user: 'erin', client: '10.0.0.5:5123' }],
    unknownLogins: ['eve'], departedDefiners: [{ object: 'billing.totals', kind: 'view', definer: 'dev' }],
    tierDefiners: [{ object: 'billing.purge_view', kind: 'view', definer: 'iam_admin', lowerTiersRun: true }],
  },
  actions: [
    { action: 'failed', what: 'drop role dev', error: 'role "dev" cannot be dropped\nDETAIL: 1 object in database other' },
    { action: 'redefined-view', view: 'billing.old' },
  ],
};

describe('audit report', () => {
  test('exit code: 0 when every database is as declared, 1 on drift, 2 when one could not be audited', () => {
    expect(exitCode({ a: clean })).toBe(0);
    expect(exitCode({ a: clean, b: drift })).toBe(1);
    expect(exitCode({ a: drift, b: { status: 'unreachable', error: 'refused' } })).toBe(2);
  });

  test('text: one block per database, a fix on each finding, names from the server escaped', () => {
    expect(auditText({ billing: drift, orders: clean, sandbox: { status: 'unreachable', error: 'connect ECONNREFUSED' } })).toBe([
      'billing (mysql, db:3306 as dbmaster): differs from users.ts',
      '  could not drop role dev: role "dev" cannot be dropped DETAIL: 1 object in database other',
      '  re-defined view billing.old to run as iam_read',
      '  IAM user not in users.ts: "mal\\u001b[2Jlory" (add them to users.ts, or drop the user)',
      '  open session 9 of erin from 10.0.0.5:5123, who has no access now (end it with --terminate)',
      "  LOGIN role nobody declared: eve (not the master, a provider login, users.ts, services.ts or RDS's own; drop it, or declare it)",
      '  view billing.totals runs as dev, who left (adopt it: re-own or re-define it, or drop it; see docs/getting-access.md)',
      "  view billing.purge_view runs as iam_admin for lower tiers too (lends that tier's rights, and outlives whoever made it: re-define it to run as the invoker, or drop it)",
      'orders (postgres, db:5432 as dbmaster): as users.ts says',
      'sandbox: cannot connect: connect ECONNREFUSED',
      '',
    ].join('\n'));
  });

  test('a replica: exit 2 when one could not be audited, 1 when one has a session without access, though the database is clean', () => {
    const session = { id: 4, user: 'dev', client: '10.0.0.9/32' };
    expect(exitCode({ a: { ...clean, replicas: { 'replica-1': { status: 'unreachable', error: 'timeout' } } } })).toBe(2);
    expect(exitCode({ a: { status: 'unreachable', error: 'refused', replicas: { 'replica-1': { status: 'clean', server: 'r:5432 as dbmaster', findings: { sessionsWithoutAccess: [] }, actions: [] } } } })).toBe(2);
    const withReplica: DatabaseAudit = { ...clean, status: 'drift', replicas: { 'replica-1': { status: 'drift', server: 'r1:5432 as dbmaster', findings: { sessionsWithoutAccess: [session] }, actions: [] }, 'replica-2': { status: 'clean', server: 'r2:5432 as dbmaster', findings: { sessionsWithoutAccess: [] }, actions: [] } } };
    expect(exitCode({ a: withReplica })).toBe(1);
    expect(auditText({ orders: withReplica })).toBe([
      'orders (postgres, db:5432 as dbmaster): differs from users.ts',
      '  replica-1 (replica, r1:5432 as dbmaster): sessions of people without access',
      '    open session 4 of dev from 10.0.0.9/32, who has no access now (end it with --terminate)',
      '  replica-2 (replica, r2:5432 as dbmaster): no session of anyone without access',
      '',
    ].join('\n'));
  });

  test('JSON carries the exit code and every database', () => {
    expect(JSON.parse(auditJson({ orders: clean }))).toEqual({ exitCode: 0, databases: { orders: clean } });
  });
});
