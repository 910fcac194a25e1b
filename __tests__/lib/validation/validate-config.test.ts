import { AppConfig, ManagedDatabaseConfig } from '../../../lib/model/types';
import { validateConfig } from '../../../lib/validation/validate-config';
import { cloneFleet, existingFleet, fleet } from '../../fixtures/fleet';

const broken = (edit: (c: ReturnType<typeof cloneFleet>) => void): AppConfig => {
  const config = cloneFleet();
  edit(config);
  return config as AppConfig;
};

describe('validateConfig', () => {
  test('accepts the fixture fleet', () => {
    expect(() => validateConfig(fleet)).not.toThrow();
  });

  test.each([
    ['postgres', '8.0.39', /databases.pg: engineVersion "8.0.39" does not fit engine postgres; use e.g. '16' or '16.4'/],
    ['postgres', '14.9', /engineVersion "14.9" does not fit engine postgres/],
    ['mysql', '5.7.44', /engineVersion "5.7.44" does not fit engine mysql/],
    ['aurora-mysql', '8.0.39', /does not fit engine aurora-mysql; use e.g. '8.0.mysql_aurora.3.08.0'/],
    ['aurora-postgresql', '8.0.mysql_aurora.3.08.0', /does not fit engine aurora-postgresql/],
    ['mariadb', '10.6', /engineVersion "10.6" does not fit engine mariadb; use e.g. '10.11', '11.4' or '11.8' \(the RDS for MariaDB versions with IAM database authentication\)/],
    ['mariadb', '8.0.39', /does not fit engine mariadb/],
  ])('fails when engine %s gets version %s', (engine, engineVersion, message) => {
    expect(() => validateConfig(broken((c) => Object.assign(c.databases.pg, { engine, engineVersion, schemas: undefined }))))
      .toThrow(message);
  });

  test.each([0, 2.5, 9999, '365'])('fails when expiryHorizonDays is %j', (days) => {
    expect(() => validateConfig(broken((c) => Object.assign(c, { expiryHorizonDays: days }))))
      .toThrow(/expiryHorizonDays: must be a whole number of days from 1 to 3650, got .*; e\.g\. 365/);
  });

  test.each(['10.11', '10.11.9', '11.4', '11.8.3'])('accepts RDS for MariaDB %s', (engineVersion) => {
    expect(() => validateConfig({ ...fleet, databases: { maria: { ...(fleet.databases.my as ManagedDatabaseConfig), engine: 'mariadb', engineVersion } } })).not.toThrow();
  });

  test('fails when the engine is unknown', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.engine = 'oracle-ee'; }))).toThrow(/engine "oracle-ee" is not supported/);
  });

  test('fails when an Aurora-only option is set on an instance', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.instanceCount = 2; })))
      .toThrow(/databases.pg: instanceCount applies only to Aurora clusters, not engine postgres; remove it/);
  });

  test('fails when an instance-only option is set on Aurora', () => {
    expect(() => validateConfig(broken((c) => { c.databases.apg.allocatedStorage = 50; c.databases.amy.multiAz = true; })))
      .toThrow(/amy: multiAz applies only to RDS instances[\s\S]*apg: allocatedStorage applies only to RDS instances/);
  });

  test('fails when an environment has fewer than two subnets', () => {
    expect(() => validateConfig(broken((c) => { c.environments.production.subnetIds = ['subnet-0a1b2c3d4e5f67891']; })))
      .toThrow(/environments.production: subnetIds has 1; RDS needs at least two subnets/);
  });

  test('fails when a role services may use is not a role ARN of that environment\'s account, or listed twice', () => {
    const config = broken((c) => {
      (c.environments.production as { serviceRoleArns?: string[] }).serviceRoleArns = [
        'arn:aws:iam::123456789012:user/bob',
        'arn:aws:iam::210987654321:role/etl',
        'arn:aws:iam::123456789012:role/a',
        'arn:aws:iam::123456789012:role/a',
      ];
    });
    expect(() => validateConfig(config)).toThrow(new RegExp([
      'serviceRoleArns entry "arn:aws:iam::123456789012:user/bob" is not an IAM role ARN',
      'serviceRoleArns entry "arn:aws:iam::210987654321:role/etl" is in account 210987654321, this environment in "123456789012"; list it under an environment of its own account',
      'serviceRoleArns lists "arn:aws:iam::123456789012:role/a" more than once; remove the copy',
    ].join('[^]*')));
  });

  test('fails when a subnet, CIDR, security group or schema is listed twice', () => {
    const config = broken((c) => {
      c.environments.production.subnetIds = ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67891'];
      c.databases.pg.allowedCidrs = ['10.0.0.0/16', '10.0.0.0/16'];
      c.databases.pg.schemas = ['public', 'public'];
      c.databases.my.allowedSecurityGroupIds = ['sg-0a1b2c3d4e5f67890', 'sg-0a1b2c3d4e5f67890'];
    });
    expect(() => validateConfig(config)).toThrow(/config.ts has 4 problems/);
  });

  test('fails when a database names an undeclared environment', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.environment = 'prod'; })))
      .toThrow(/environment "prod" is not declared; the environments are production, staging/);
  });

  test.each([
    ['0.0.0.0/0', /is a public range/],
    ['0.0.0.0/1', /is a public range/],
    ['128.0.0.0/1', /is a public range/],
    ['::/1', /is a public range/],
    ['::/0', /is a public range/],
    ['8.0.0.0/8', /is a public range/],
    ['172.32.0.0/16', /is a public range/],
    ['::ffff:10.0.0.0/104', /is not written canonically; write ::ffff:a00:0\/104/],
    ['::ffff:a00:0/104', /is a public range/],
    ['0.0.0.0/00', /is not written canonically; write 0\.0\.0\.0\/0/],
    ['010.0.0.0/8', /is not written in dotted decimal \(leading zeros are octal/],
    ['10.1.2.3/16', /is not written canonically; write 10\.1\.0\.0\/16/],
    ['10.0.0.0/33', /is not a CIDR block/],
    ['10.0.0.0', /is not a CIDR block/],
    ['FD00::/8', /is not written canonically; write fd00::\/8/],
  ])('fails when allowedCidrs holds %s', (cidr, message) => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.allowedCidrs = [cidr]; }))).toThrow(message);
  });

  test('admits every private range, IPv4 and IPv6', () => {
    const cidrs = ['10.0.0.0/8', '172.16.0.0/12', '192.168.1.0/24', '100.64.0.0/10', 'fd00:1::/64', '10.1.2.3/32'];
    expect(() => validateConfig(broken((c) => { c.databases.pg.allowedCidrs = cidrs; }))).not.toThrow();
  });

  test('admits a public range only under publicCidrs, with a reason, and no wider than /16 or /48', () => {
    const office = { cidr: '203.0.113.0/24', reason: 'office egress, ticket OPS-12' };
    expect(() => validateConfig(broken((c) => { c.databases.pg.publicCidrs = [office, { cidr: '2001:db8::/48', reason: 'VPN' }]; }))).not.toThrow();
    expect(() => validateConfig(broken((c) => {
      c.databases.pg.publicCidrs = [
        { cidr: '203.0.0.0/15', reason: 'too wide' },
        { cidr: '10.0.0.0/8', reason: 'private' },
        { cidr: '198.51.100.0/24' },
        { cidr: '198.51.101.0/24', reason: 'line one\n<!-- hidden -->' },
      ];
    }))).toThrow(
      /has 4 problems[\s\S]*"203\.0\.0\.0\/15" is wider than \/16[\s\S]*"10\.0\.0\.0\/8" is a private range; move it to allowedCidrs[\s\S]*"198\.51\.100\.0\/24": reason undefined must be a string[\s\S]*reason "line one\\n<!-- hidden -->" contains the invisible or control character U\+000A/,
    );
  });

  test('fails when publicCidrs is one entry instead of a list', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.publicCidrs = { cidr: '203.0.113.0/24', reason: 'office' }; })))
      .toThrow(/publicCidrs must be a list of \{ cidr, reason \}, got \{"cidr":"203\.0\.113\.0\/24","reason":"office"\}/);
  });

  test('fails when a KMS key is not an ARN Terraform accepts', () => {
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(() => validateConfig(broken((c) => { c.databases.pg.kmsKeyId = arn; c.databases.my.kmsKeyId = 'arn:aws:kms:eu-west-1:123456789012:alias/rds'; }))).not.toThrow();
    expect(() => validateConfig(broken((c) => {
      c.databases.pg.kmsKeyId = '${file("secret.txt")}';
      c.databases.my.kmsKeyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
      c.environments.production.backend = { type: 's3', bucket: 'state-bucket', kmsKeyId: 'alias/state', keyPrefix: 'a/${path.cwd}' };
    }))).toThrow(/has 4 problems[\s\S]*backend.keyPrefix "a\/\$\{path.cwd\}"[\s\S]*backend.kmsKeyId "alias\/state" is not a KMS key or alias ARN[\s\S]*my: kmsKeyId "1234abcd[\s\S]*pg: kmsKeyId "\$\{file/);
  });

  test('fails when Identity Center free text holds control characters or non-Latin-1 text', () => {
    expect(() => validateConfig(broken((c) => {
      c.identityCenter = { ...c.identityCenter!, permissionSetDescription: 'Connect \u202Eevil', group: { name: 'db\u0000users' } };
    }))).toThrow(/group.name "db\\u0000users" contains the invisible or control character U\+0000[\s\S]*permissionSetDescription "Connect \u202Eevil" contains the invisible or control character U\+202E/);
  });

  test('fails when backups are kept fewer than 7 days', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.backupRetentionDays = 1; })))
      .toThrow(/backupRetentionDays 1 must be a whole number from 7 to 35/);
  });

  test('fails when the CA is retired', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.caCertIdentifier = 'rds-ca-2019'; }))).toThrow(/not a current RDS CA/);
  });

  test('fails when ids are malformed', () => {
    const config = broken((c) => {
      c.environments.production.account = '1234';
      c.environments.production.region = 'Ireland';
      c.environments.production.vpcId = 'vpc-x';
    });
    expect(() => validateConfig(config)).toThrow(/account "1234"[\s\S]*region "Ireland"[\s\S]*vpcId "vpc-x"/);
  });

  test('fails when a database key cannot be an RDS identifier', () => {
    expect(() => validateConfig(broken((c) => { c.databases.Orders_DB = c.databases.pg; }))).toThrow(/databases.Orders_DB: key "Orders_DB"/);
  });

  test('fails when a tag is not a valid AWS tag', () => {
    expect(() => validateConfig(broken((c) => { c.environments.production.tags = { 'aws:owner': 'x', Team: 7, Owner: '${file("secret.txt")}' }; })))
      .toThrow(/config.ts has 3 problems[\s\S]*tag "aws:owner"="x" is not a valid AWS tag[\s\S]*tag "Team"=7[\s\S]*tag "Owner"="\$\{file/);
  });

  test('fails when a field is unknown', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.publiclyAccessible = true; }))).toThrow(/unknown field "publiclyAccessible"/);
  });
});

describe('validateConfig on existing databases', () => {
  const withExisting = (edit: (db: Record<string, any>) => void): AppConfig => {
    const config = JSON.parse(JSON.stringify(existingFleet));
    edit(config.databases.legacy);
    return config;
  };

  test('accepts an existing instance and an existing cluster beside created ones', () => {
    expect(() => validateConfig(existingFleet)).not.toThrow();
  });

  test('fails when an existing database sets what only a created one has, naming each field', () => {
    const config = withExisting((db) => Object.assign(db, { engineVersion: '16', allowedCidrs: ['10.0.0.0/16'], deletionProtection: false }));
    expect(() => validateConfig(config)).toThrow(/databases.legacy: engineVersion applies only to databases this project creates; an existing database keeps its own settings; remove it/);
    expect(() => validateConfig(config)).toThrow(/databases.legacy: allowedCidrs applies only to databases this project creates/);
    expect(() => validateConfig(config)).toThrow(/databases.legacy: deletionProtection applies only to databases this project creates/);
  });

  test('fails when an existing database leaves out its master user', () => {
    expect(() => validateConfig(withExisting((db) => delete db.masterUsername)))
      .toThrow(/databases.legacy: masterUsername is required for an existing database \(the plan checks it against RDS, and nobody may take it\)/);
  });

  test.each([
    [{}, /existing must be \{ identifier \} \(an RDS instance\) or \{ clusterIdentifier \} \(an Aurora cluster\), got \{\}; e\.g\. \{ identifier: 'orders-db' \}/],
    [{ identifier: 'a', clusterIdentifier: 'b' }, /existing must be \{ identifier \} .* or \{ clusterIdentifier \}/],
    ['legacy-db', /existing must be \{ identifier \}.*got "legacy-db"/],
    [{ clusterIdentifier: 'legacy' }, /existing.clusterIdentifier does not fit engine postgres: an RDS instance is found by identifier/],
    [{ identifier: 'Legacy_DB' }, /existing.identifier "Legacy_DB" is not an RDS identifier \(lower-case letters, digits and single hyphens/],
  ])('fails when existing is %j', (existing, message) => {
    expect(() => validateConfig(withExisting((db) => { db.existing = existing; }))).toThrow(message);
  });

  test('fails when an Aurora engine names an instance', () => {
    const config = withExisting((db) => Object.assign(db, { engine: 'aurora-postgresql' }));
    expect(() => validateConfig(config)).toThrow(/existing.identifier does not fit engine aurora-postgresql: an Aurora cluster is found by clusterIdentifier, e\.g\. \{ clusterIdentifier: 'orders-cluster' \}/);
  });
});

describe('validateConfig on proxies', () => {
  const withProxy = (edit: (c: ReturnType<typeof cloneFleet>) => void) => broken(edit);

  test('accepts a created proxy on every engine, and an existing one by name', () => {
    expect(() => validateConfig(withProxy((c) => {
      for (const db of Object.values(c.databases)) db.proxy = {};
      c.databases.pg.proxy = { idleClientTimeout: 600 };
    }))).not.toThrow();
    expect(() => validateConfig({ ...existingFleet, databases: { ...existingFleet.databases, legacy: { ...existingFleet.databases.legacy, proxy: { existing: 'legacy-proxy' } } } })).not.toThrow();
  });

  test.each([
    ['postgres', '18', /databases.pg: proxy: RDS Proxy does not take postgres 18; it takes PostgreSQL 15, 16 and 17 here; choose one of those engineVersions or remove proxy/],
    ['aurora-postgresql', '18.1', /proxy: RDS Proxy does not take aurora-postgresql 18.1; it takes Aurora PostgreSQL 15, 16 and 17/],
  ])('fails when a proxy fronts %s %s, which RDS Proxy does not take', (engine, engineVersion, message) => {
    expect(() => validateConfig(withProxy((c) => Object.assign(c.databases.pg, { engine, engineVersion, proxy: {}, allocatedStorage: undefined })))).toThrow(message);
  });

  test('fails when proxy is malformed, naming each problem', () => {
    expect(() => validateConfig(withProxy((c) => {
      c.databases.pg.proxy = true;
      c.databases.my.proxy = { existing: 'my proxy', idleClientTimeout: 60 };
      c.databases.apg.proxy = { idleClientTimeout: 0, secretArn: 'x' };
    }))).toThrow(/databases.apg: proxy has unknown field "secretArn"[\s\S]*databases.apg: proxy.idleClientTimeout 0 must be a whole number from 1 to 28800[\s\S]*databases.my: proxy \{ existing \} takes no other field[\s\S]*databases.my: proxy.existing "my proxy" is not an RDS Proxy name[\s\S]*databases.pg: proxy must be \{\} \(create one\) or \{ existing: '<proxy name>' \}, got true/);
  });

  test('fails when an existing database asks for a proxy to be created', () => {
    expect(() => validateConfig({ ...existingFleet, databases: { legacy: { ...existingFleet.databases.legacy, proxy: {} } } }))
      .toThrow(/databases.legacy: proxy \{\} creates a proxy only for a database this project creates; for an existing database name its proxy/);
  });
});

describe('validateConfig on read replicas', () => {
  const dr = { account: '123456789012', region: 'eu-central-1', vpcId: 'vpc-0b1b2c3d4e5f67890', subnetIds: ['subnet-0b1b2c3d4e5f67891', 'subnet-0b1b2c3d4e5f67892'] };

  test('accepts replicas of an instance, in its region or another of its account', () => {
    expect(() => validateConfig(broken((c) => {
      c.environments.dr = dr;
      c.databases.pg.replicas = { count: 2, instanceClass: 'db.t4g.small' };
      c.databases.my.replicas = { count: 1, environment: 'dr' };
    }))).not.toThrow();
  });

  test('fails when replicas are asked of Aurora, whose cluster readers serve reads', () => {
    expect(() => validateConfig(broken((c) => { c.databases.amy.replicas = { count: 1 }; })))
      .toThrow(/databases.amy: replicas apply only to RDS instances, not engine aurora-mysql: an Aurora cluster's readers serve reads; use instanceCount \(and connect --reader\) instead/);
  });

  test('fails when replicas are malformed or placed where RDS cannot put them, naming each problem', () => {
    expect(() => validateConfig(broken((c) => {
      c.environments.dr = dr;
      c.environments.other = { ...dr, account: '444455556666' };
      c.databases.pg.replicas = { count: 0, instanceClass: 'large', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef' };
      c.databases.my.replicas = { count: 1, environment: 'other', zone: 'a' };
      c.databases.pg2 = { ...c.databases.pg, replicas: { count: 1, environment: 'production' } };
      c.databases.pg3 = { ...c.databases.pg, kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef', replicas: { count: 1, environment: 'dr' } };
      c.databases.pg4 = { ...c.databases.pg, replicas: { count: 1, environment: 'nowhere' } };
    }))).toThrow(new RegExp([
      /databases.my.replicas: unknown field "zone"/,
      /databases.my: replicas.environment "other" is in account 444455556666, the database in 123456789012; RDS makes read replicas in the source's account only/,
      /databases.pg: replicas.count 0 must be a whole number from 1 to 5/,
      /databases.pg: replicas.instanceClass "large" is not an RDS instance class/,
      /databases.pg: replicas.kmsKeyId applies only to replicas in another environment/,
      /databases.pg2: replicas.environment "production" is in the database's own region eu-west-1; leave environment out/,
      /databases.pg3: replicas.kmsKeyId is required: the database uses its own key \(kmsKeyId\), and a replica in eu-central-1 needs a key of that region/,
      /databases.pg4: replicas.environment "nowhere" is not declared/,
    ].map((r) => r.source).join('[\\s\\S]*')));
  });

  test('fails when an existing database asks for replicas', () => {
    expect(() => validateConfig({ ...existingFleet, databases: { legacy: { ...existingFleet.databases.legacy, replicas: { count: 1 } } as never } }))
      .toThrow(/databases.legacy: replicas applies only to databases this project creates/);
  });
});
