import { AppConfig } from '../../../lib/model/types';
import { validateConfig } from '../../../lib/validation/validate-config';
import { cloneFleet, fleet } from '../../fixtures/fleet';

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
  ])('fails when engine %s gets version %s', (engine, engineVersion, message) => {
    expect(() => validateConfig(broken((c) => Object.assign(c.databases.pg, { engine, engineVersion, schemas: undefined }))))
      .toThrow(message);
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

  test('fails when a CIDR admits every address', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.allowedCidrs = ['0.0.0.0/0']; }))).toThrow(/admits every address/);
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
    expect(() => validateConfig(broken((c) => { c.environments.production.tags = { 'aws:owner': 'x', Team: 7 }; })))
      .toThrow(/config.ts has 2 problems[\s\S]*tag "aws:owner"="x" is not a valid AWS tag[\s\S]*tag "Team"=7/);
  });

  test('fails when a field is unknown', () => {
    expect(() => validateConfig(broken((c) => { c.databases.pg.publiclyAccessible = true; }))).toThrow(/unknown field "publiclyAccessible"/);
  });
});
