import { CatalogView, checkDatabase, DatabaseProbes, Endpoint } from '../../../lib/doctor/database';
import { checkLists, Listed } from '../../../lib/doctor/lists';
import { fleet, NOW, people, services } from '../../fixtures/fleet';
import { runLink } from './helpers';

async function listed(user: string, database: string): Promise<Listed> {
  return (await runLink('lists', (link) => checkLists(link, { data: { config: fleet, users: people, services }, database, user, now: NOW, env: {} }))).value!;
}

const PG: Endpoint = { family: 'postgres', host: 'pg.abc.eu-west-1.rds.amazonaws.com', port: 5432, dbname: 'app' };
const MY: Endpoint = { family: 'mysql', host: 'my.abc.eu-west-1.rds.amazonaws.com', port: 3306, dbname: 'shop' };
const CA = { file: '/ca.pem', pem: '-----BEGIN CERTIFICATE-----' };
/** The catalog as the users stack leaves it: bob in iam_write, alice in iam_admin, both IAM users. */
const CATALOG: CatalogView = {
  existing: ['alice', 'bob', 'dbmaster'], canLogin: ['alice', 'bob', 'dbmaster'], iamUsers: ['alice', 'bob'],
  tierMembers: { iam_read: [], iam_write: ['bob'], iam_admin: ['alice'] },
};

/** Probes that all succeed unless `change` replaces one; `calls` records which ran. */
function probes(change: Partial<DatabaseProbes> = {}, calls: string[] = []): DatabaseProbes {
  const record = <T>(name: string, value: T) => {
    calls.push(name);
    return value;
  };
  return {
    reach: async () => record('reach', undefined),
    tls: async () => record('tls', { subject: PG.host }),
    catalog: async () => record('catalog', CATALOG),
    token: async () => record('token', 'host:5432/?Action=connect&X-Amz-Signature=abc'),
    login: async () => record('login', { roles: ['rds_iam', 'iam_write'] }),
    ...change,
  };
}

const database = async (user: string, key: string, p: DatabaseProbes, endpoint: Endpoint | { missing: string } = key === 'pg' ? PG : MY, ca: Parameters<typeof checkDatabase>[1]['ca'] = CA) =>
  runLink('database', async (link) => checkDatabase(link, { listed: await listed(user, key), database: key, endpoint, ca, probes: p }));

describe('the database link', () => {
  test('holds when the endpoint answers, TLS verifies, the catalog has the user in their tier and a token logs in', async () => {
    const calls: string[] = [];
    const { checks, broken } = await database('bob', 'pg', probes({}, calls));
    expect(broken).toBeUndefined();
    expect(calls).toEqual(['reach', 'tls', 'catalog', 'token', 'login']);
    expect(checks.map((c) => `${c.name}: ${c.detail}`)).toEqual([
      'endpoint: pg.abc.eu-west-1.rds.amazonaws.com:5432 answers',
      'tls: the certificate for pg.abc.eu-west-1.rds.amazonaws.com verifies against /ca.pem',
      'database user: bob exists, member of rds_iam, can log in, in iam_write (from the catalog)',
      'login: bob logged in to app with a fresh token, over verified TLS',
    ]);
  });

  test('without the catalog, checks the tier from the session after the login, and says so', async () => {
    const { checks, broken, notes } = await database('bob', 'pg', probes({ catalog: async () => ({ unreadable: 'login is master-secret but no master_secret_arn is known' }) }));
    expect(broken).toBeUndefined();
    expect(checks.map((c) => c.name)).toEqual(['endpoint', 'tls', 'tier', 'login']);
    expect(notes).toEqual([expect.stringMatching(/catalog was not read before logging in \(login is master-secret/)]);
  });

  test('fails without an endpoint, saying where one comes from', async () => {
    expect((await database('bob', 'pg', probes(), { missing: 'No endpoint known for pg.' })).broken).toMatchObject({ check: 'endpoint', wrong: 'No endpoint known for pg.', fix: expect.stringMatching(/--outputs/) });
  });

  test('fails when nothing answers at the endpoint', async () => {
    const { broken } = await database('bob', 'pg', probes({ reach: async () => { throw new Error('connect ECONNREFUSED 10.0.0.5:5432'); } }));
    expect(broken).toMatchObject({ check: 'endpoint', wrong: expect.stringMatching(/nothing answers at .*:5432: connect ECONNREFUSED/), fix: expect.stringMatching(/port-forward/) });
  });

  test('fails when the certificate is not signed by a CA in the bundle (a foreign CA)', async () => {
    const { broken } = await database('bob', 'pg', probes({ tls: async () => { throw Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }); } }));
    expect(broken).toMatchObject({ check: 'tls', wrong: expect.stringMatching(/not signed by a CA in the bundle/), fix: expect.stringMatching(/leave out --ca and RDS_IAM_CA_BUNDLE/) });
  });

  test('fails when the certificate is for another name', async () => {
    const { broken } = await database('bob', 'pg', probes({ tls: async () => { throw Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }); } }));
    expect(broken?.wrong).toMatch(/not for this host name/);
  });

  test('fails when the CA bundle cannot be read', async () => {
    expect((await database('bob', 'pg', probes(), PG, { file: '/nope.pem', missing: 'ENOENT' })).broken).toMatchObject({ check: 'tls', wrong: expect.stringMatching(/\/nope\.pem cannot be read/) });
  });

  test.each([
    ['dropped by hand', { ...CATALOG, existing: ['alice', 'dbmaster'], canLogin: ['alice', 'dbmaster'], iamUsers: ['alice'] }, 'database user', /has no database user "bob"/],
    ['not an IAM user', { ...CATALOG, iamUsers: ['alice'] }, 'database user', /bob is not a member of rds_iam/],
    ['locked', { ...CATALOG, canLogin: ['alice', 'dbmaster'] }, 'database user', /bob cannot log in \(NOLOGIN/],
    ['tier revoked by hand', { ...CATALOG, tierMembers: { ...CATALOG.tierMembers, iam_write: [] } }, 'tier', /bob is not in iam_write, the tier users\.ts gives/],
  ])('fails when the catalog shows the user %s, before any login', async (_what, catalog, check, wrong) => {
    const calls: string[] = [];
    const { broken } = await database('bob', 'pg', probes({ catalog: async () => { calls.push('catalog'); return catalog; } }, calls));
    expect(broken).toMatchObject({ check, wrong: expect.stringMatching(wrong), fix: expect.stringMatching(/npm run deploy -- users-pg.*npm run audit -- pg/) });
    expect(calls).not.toContain('login');
  });

  test('on MySQL, an IAM user is one of AWSAuthenticationPlugin', async () => {
    const { broken } = await database('bob', 'my', probes({ catalog: async () => ({ ...CATALOG, tierMembers: { iam_read: ['bob'] }, iamUsers: [] }) }));
    expect(broken?.wrong).toMatch(/bob does not use AWSAuthenticationPlugin/);
  });

  test('fails when the session shows the tier revoked (no catalog before the login)', async () => {
    const { broken } = await database('bob', 'pg', probes({ catalog: async () => ({ unreadable: 'no' }), login: async () => ({ roles: ['rds_iam'] }) }));
    expect(broken).toMatchObject({ check: 'tier', wrong: expect.stringMatching(/bob logs in but is not in iam_write.*holds no tier role/) });
  });

  test('fails when the token is refused, pointing at IAM once the catalog is in order', async () => {
    const { broken } = await database('bob', 'pg', probes({ login: async () => { throw new Error('bob@pg:5432: PAM authentication failed for user "bob"'); } }));
    expect(broken).toMatchObject({ check: 'login', wrong: expect.stringMatching(/a fresh token was refused: .*PAM authentication failed.*IAM refused the token/) });
  });

  test('fails when the token is refused without the catalog, naming every candidate and who can tell', async () => {
    const { broken } = await database('bob', 'my', probes({ catalog: async () => ({ unreadable: 'no' }), login: async () => { throw new Error("Access denied for user 'bob'@'10.0.0.1' (using password: YES)"); } }));
    expect(broken?.wrong).toMatch(/may be missing or not an IAM user \(AWSAuthenticationPlugin\), or IAM refused the token/);
    expect(broken?.fix).toMatch(/npm run audit -- my/);
  });

  describe('through a proxy or a read replica', () => {
    const PROXY: Endpoint = { ...PG, host: 'pg.proxy-abc.eu-west-1.rds.amazonaws.com' };
    const REPLICA: Endpoint = { ...PG, host: 'pg-replica-1.def.eu-central-1.rds.amazonaws.com' };
    const via = async (endpoint: Endpoint, entryPoint: { name: 'proxy' | `replica-${number}`; label: string }, p: DatabaseProbes, reached: Endpoint[] = []) =>
      runLink('database', async (link) => checkDatabase(link, {
        listed: await listed('bob', 'pg'), database: 'pg', endpoint, ca: CA, entryPoint,
        probes: { ...p, reach: async (e) => { reached.push(e); return p.reach(e); }, tls: async (e, ca) => { reached.push(e); return p.tls(e, ca); } },
      }));
    const proxy = { name: 'proxy' as const, label: 'the proxy' };

    test("probes the proxy's endpoint, TLS and login as for the database; the database user comes from the database's own catalog, and it says so", async () => {
      const reached: Endpoint[] = [];
      const { checks, broken, notes } = await via(PROXY, proxy, probes(), reached);
      expect(broken).toBeUndefined();
      expect(reached.map((e) => e.host)).toEqual([PROXY.host, PROXY.host]);
      expect(checks.map((c) => `${c.name}: ${c.detail}`)).toEqual([
        "endpoint: pg.proxy-abc.eu-west-1.rds.amazonaws.com:5432 answers (pg's proxy)",
        'tls: the certificate for pg.abc.eu-west-1.rds.amazonaws.com verifies against /ca.pem',
        'database user: bob exists, member of rds_iam, can log in, in iam_write (from the catalog)',
        "login: bob logged in to app through pg's proxy with a fresh token, over verified TLS",
      ]);
      expect(notes).toEqual(["the database user was read from pg's own catalog: the proxy logs in to it as the same user"]);
    });

    test("a replica: its endpoint, and a note that the catalog read is the database's", async () => {
      const { checks, broken, notes } = await via(REPLICA, { name: 'replica-1', label: 'replica 1' }, probes());
      expect(broken).toBeUndefined();
      expect(checks.at(-1)?.detail).toBe("bob logged in to app through pg's replica 1 with a fresh token, over verified TLS");
      expect(notes).toEqual([expect.stringMatching(/read from pg's own catalog: the replica copies it/)]);
    });

    test('fails when nothing answers at the proxy, saying a proxy answers only inside its VPC', async () => {
      const { broken } = await via(PROXY, proxy, probes({ reach: async () => { throw new Error('connect ETIMEDOUT'); } }));
      expect(broken).toMatchObject({ check: 'endpoint', wrong: expect.stringMatching(/nothing answers at pg\.proxy-abc\.eu-west-1\.rds\.amazonaws\.com:5432 \(pg's proxy\): connect ETIMEDOUT/), fix: expect.stringMatching(/answers only inside its VPC/) });
    });

    test('fails when the proxy refuses the token though the database user is in order, pointing at the proxy by a check without --proxy', async () => {
      const { broken } = await via(PROXY, proxy, probes({ login: async () => { throw new Error('PAM authentication failed for user "bob"'); } }));
      expect(broken).toMatchObject({
        check: 'login',
        wrong: expect.stringMatching(/a fresh token was refused by pg's proxy: PAM authentication failed/),
        fix: expect.stringMatching(/run npm run doctor -- pg without --proxy: if that login works, the proxy is what refuses .*describe-db-proxy-targets/),
      });
    });

    test('fails when a replica refuses the token, pointing at replication by a check without --replica', async () => {
      const { broken } = await via(REPLICA, { name: 'replica-1', label: 'replica 1' }, probes({ login: async () => { throw new Error('PAM authentication failed for user "bob"'); } }));
      expect(broken?.fix).toMatch(/run npm run doctor -- pg without --replica: if that login works, the replica is what differs \(replication behind/);
    });
  });
});
