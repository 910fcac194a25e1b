import { assumedRole, checkCaller, endpointRegion, Sts } from '../../../lib/doctor/caller';
import type { Deployed } from '../../../lib/doctor/deploys';
import { checkLists, Listed } from '../../../lib/doctor/lists';
import { fleet, NOW, people, services } from '../../fixtures/fleet';
import { runLink } from './helpers';

async function listed(user: string, database: string): Promise<Listed> {
  return (await runLink('lists', (link) => checkLists(link, { data: { config: fleet, users: people, services }, database, user, now: NOW, env: {} }))).value!;
}

const PERSON: Deployed = { role: { prefix: 'AWSReservedSSO_DatabaseAccess_' }, permissionSet: 'DatabaseAccess', attributeKey: 'username', account: '123456789012', region: 'eu-west-1' };
const SERVICE: Deployed = { role: { name: 'rds-iam-reports-api' }, attributeKey: 'username', account: '123456789012', region: 'eu-west-1' };
const sso = (session: string, account = '123456789012') => `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_DatabaseAccess_0a1b2c3d4e5f6789/${session}`;

/** STS answering with `arn`, or failing with `error` at the step it names. */
function sts(arn: string, error?: { at: 'credentials' | 'identity'; message: string }): Sts {
  return {
    credentials: async () => {
      if (error?.at === 'credentials') throw new Error(error.message);
      return { accessKeyId: 'ASIAEXAMPLE0000WXYZ', expiration: new Date('2026-06-15T16:00:00Z') };
    },
    identity: async () => {
      if (error?.at === 'identity') throw new Error(error.message);
      return { arn, account: /::(\d{12}):/.exec(arn)![1] };
    },
  };
}

const caller = async (user: string, arn: string, options: { deployed?: Deployed; error?: Parameters<typeof sts>[1]; host?: string; database?: string } = {}) =>
  runLink('caller', async (link) => checkCaller(link, {
    sts: sts(arn, options.error), profile: 'my-sso', listed: await listed(user, options.database ?? 'pg'), deployed: options.deployed ?? PERSON, host: options.host, now: NOW,
  }));

describe('the caller link', () => {
  test("holds for a person's own permission-set session in the database's account and region", async () => {
    const { checks, broken } = await caller('alice', sso('alice'), { host: 'pg.abc123.eu-west-1.rds.amazonaws.com' });
    expect(broken).toBeUndefined();
    expect(checks.map((c) => c.name)).toEqual(['credentials', 'identity', 'account', 'session name', 'tag', 'region']);
    expect(checks[0].detail).toBe('profile my-sso: access key ASIA…WXYZ, valid until 2026-06-15T16:00:00.000Z');
  });

  test("holds for a service's role session", async () => {
    expect((await caller('reports-api', 'arn:aws:sts::123456789012:assumed-role/rds-iam-reports-api/i-0abc', { deployed: SERVICE })).broken).toBeUndefined();
  });

  test('fails without credentials, saying to sign in with the profile', async () => {
    const { broken } = await caller('alice', sso('alice'), { error: { at: 'credentials', message: 'Could not load credentials from any providers' } });
    expect(broken).toMatchObject({ check: 'credentials', wrong: expect.stringMatching(/^no AWS credentials for profile my-sso/), fix: expect.stringMatching(/aws sso login --profile my-sso/) });
  });

  test('fails when the SSO session has expired', async () => {
    const { broken } = await caller('alice', sso('alice'), { error: { at: 'identity', message: 'The SSO session associated with this profile has expired' } });
    expect(broken).toMatchObject({ check: 'identity', wrong: expect.stringMatching(/SSO session has expired/) });
  });

  test("fails with another person's profile, naming whose session it is", async () => {
    const { broken } = await caller('alice', sso('bob'));
    expect(broken).toMatchObject({ check: 'session name', wrong: expect.stringMatching(/this session is "bob"'s, not "alice"'s \(another person's profile\?\)/) });
    expect(broken?.fix).toMatch(/your own profile/);
  });

  test('fails when Identity Center spells the name in another case than users.ts', async () => {
    const { broken } = await caller('alice', sso('Alice'));
    expect(broken).toMatchObject({ check: 'session name', wrong: expect.stringMatching(/Identity Center calls you "Alice", users\.ts "alice"/), fix: expect.stringMatching(/change the entry in users\.ts to "Alice"/) });
  });

  test('fails with a session of another role than the permission set', async () => {
    const { broken } = await caller('alice', 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6789/alice');
    expect(broken).toMatchObject({ check: 'session', fix: expect.stringMatching(/sso_role_name = DatabaseAccess/) });
  });

  test("fails with a session in another account than the database's", async () => {
    const { broken } = await caller('alice', sso('alice', '210987654321'));
    expect(broken).toMatchObject({ check: 'account', wrong: expect.stringMatching(/in account 210987654321; the database is in 123456789012/), fix: expect.stringMatching(/sso_account_id = 123456789012/) });
  });

  test("fails with a service session of a role other than the service's", async () => {
    const { broken } = await caller('reports-api', 'arn:aws:sts::123456789012:assumed-role/rds-iam-etl/x', { deployed: SERVICE });
    expect(broken).toMatchObject({ check: 'session', wrong: expect.stringMatching(/not a session of the service's role rds-iam-reports-api/) });
  });

  test("fails when the endpoint is in another region than config.ts says", async () => {
    const { broken } = await caller('alice', sso('alice'), { host: 'pg.abc123.us-east-1.rds.amazonaws.com' });
    expect(broken).toMatchObject({ check: 'region', wrong: expect.stringMatching(/is in us-east-1, but config\.ts puts the database in eu-west-1/) });
  });

  test("holds for a replica in another region, whose endpoint is in the region the deploys link found for it", async () => {
    const { checks, broken } = await caller('alice', sso('alice'), { host: 'pg-replica-1.def456.eu-central-1.rds.amazonaws.com', deployed: { ...PERSON, region: 'eu-central-1', entryPoint: 'replica 1' } });
    expect(broken).toBeUndefined();
    expect(checks.find((c) => c.name === 'region')?.detail).toBe("tokens are signed for eu-central-1, where config.ts puts the database's replica 1, the endpoint's region");
  });

  test("fails when a replica's endpoint is in another region than config.ts puts the replicas in", async () => {
    const { broken } = await caller('alice', sso('alice'), { host: 'pg-replica-1.def456.eu-west-1.rds.amazonaws.com', deployed: { ...PERSON, region: 'eu-central-1', entryPoint: 'replica 1' } });
    expect(broken).toMatchObject({
      check: 'region',
      wrong: expect.stringMatching(/is in eu-west-1, but config\.ts puts the database's replica 1 in eu-central-1: the token is signed for eu-central-1/),
      fix: expect.stringMatching(/replicas\.environment/),
    });
  });

  test('reads role and session from STS ARNs, and regions from RDS endpoint names only', () => {
    expect(assumedRole(sso('a.b@c'))).toEqual({ role: 'AWSReservedSSO_DatabaseAccess_0a1b2c3d4e5f6789', session: 'a.b@c' });
    expect(assumedRole('arn:aws:iam::123456789012:user/alice')).toBeUndefined();
    expect(endpointRegion('x.cluster-abc.us-gov-west-1.rds.amazonaws.com')).toBe('us-gov-west-1');
    expect(endpointRegion('127.0.0.1')).toBeUndefined();
  });
});
