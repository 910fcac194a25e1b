import { ConnectionOverrides } from '../model/connection';
import { connectionOverrides } from './connection';
import { DATABASE_DEFAULTS, DEFAULT_ATTRIBUTE_SOURCE, RDS_CA_IDENTIFIERS } from '../model/defaults';
import { Problems, show } from './problems';
import {
  AppConfig, AwsTarget, DatabaseConfig, Engine, engineFamily, ENGINES, EnvironmentConfig, ExistingDatabaseConfig, IAM_ROLE_ARN, IdentityCenterConfig, isAurora, isExisting,
  ManagedDatabaseConfig, PublicCidr, ReplicasConfig,
} from '../model/types';
import { sortedEntries } from '../model/order';
import { parseCidr, PRIVATE_RANGES, WIDEST_PUBLIC_PREFIX } from './cidr';
import { freeTextProblem } from './text';

/** Engine versions this project knows how to configure (parameter group family, TLS, roles). */
const ENGINE_VERSIONS: Readonly<Record<Engine, { pattern: RegExp; example: string }>> = {
  // A major (or major.minor for MySQL) alone lets RDS pick and upgrade the minor without drift.
  postgres: { pattern: /^(1[5-9]|[2-9]\d)(\.\d+)?$/, example: "'16' or '16.4' (PostgreSQL 15 or later)" },
  'aurora-postgresql': { pattern: /^(1[5-9]|[2-9]\d)(\.\d+)?$/, example: "'16' or '16.4' (Aurora PostgreSQL 15 or later)" },
  mysql: { pattern: /^8\.(0|4)(\.\d+)?$/, example: "'8.0', '8.0.39' or '8.4' (MySQL 8)" },
  'aurora-mysql': { pattern: /^8\.0\.mysql_aurora\.3\.\d+\.\d+$/, example: "'8.0.mysql_aurora.3.08.0' (Aurora MySQL 3)" },
  // Only these RDS for MariaDB majors take IAM database authentication.
  mariadb: { pattern: /^(10\.11|11\.4|11\.8)(\.\d+)?$/, example: "'10.11', '11.4' or '11.8' (the RDS for MariaDB versions with IAM database authentication)" },
};

const KEY_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ENVIRONMENT_FIELDS = new Set(['account', 'region', 'partition', 'assumeRoleArn', 'backend', 'vpcId', 'subnetIds', 'serviceRoleArns', 'tags']);
/** Fields of every database entry; an existing database takes only these. */
const EXISTING_DATABASE_FIELDS: readonly string[] = ['environment', 'engine', 'databaseName', 'schemas', 'connection', 'existing', 'masterUsername', 'proxy'];
/** Settings of a database this project creates: an existing one keeps its own. */
const CREATE_ONLY_FIELDS: readonly string[] = [
  'engineVersion', 'instanceClass', 'instanceCount', 'allocatedStorage', 'maxAllocatedStorage', 'multiAz', 'backupRetentionDays',
  'caCertIdentifier', 'kmsKeyId', 'allowedCidrs', 'publicCidrs', 'allowedSecurityGroupIds', 'deletionProtection', 'replicas',
];
const DATABASE_FIELDS = new Set([...EXISTING_DATABASE_FIELDS, ...CREATE_ONLY_FIELDS]);
/** RDS instance and cluster identifiers: what RDS stores (lower case), 1-63 characters. */
const RDS_IDENTIFIER = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Terraform's RDS and S3 backend settings take a KMS key or alias ARN, not a bare key id. */
const KMS_ARN =
  /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:(key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias\/[A-Za-z0-9/_-]{1,250})$/;
const KMS_EXAMPLE = "'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' or '…:alias/rds'";

/** What AWS accepts in a tag key or value: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_TEXT = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u;

/** Longest reason for a public CIDR: one sentence a reviewer reads. */
const PUBLIC_CIDR_REASON_LIMIT = 200;
const AURORA_ONLY: readonly (keyof ManagedDatabaseConfig)[] = ['instanceCount'];
const INSTANCE_ONLY: readonly (keyof ManagedDatabaseConfig)[] = ['allocatedStorage', 'maxAllocatedStorage', 'multiAz'];

/**
 * Checks `config.ts` (and the `RDS_IAM_<KEY>_*` connection variables in `env`) and
 * reports all problems in one Error. Returns each database's resolved connection.
 */
export function validateConfig(
  config: AppConfig,
  env: Readonly<Record<string, string | undefined>> = {},
): Record<string, ConnectionOverrides> {
  const problems = new Problems('config.ts');
  const environments = config?.environments ?? {};
  const databases = config?.databases ?? {};

  if (Object.keys(environments).length === 0) problems.add('environments', 'none declared; add one, e.g. production: { account, region, vpcId, subnetIds }');
  for (const [key, env] of sortedEntries(environments)) {
    checkEnvironment(key, env, problems);
  }
  for (const [key, db] of sortedEntries(databases)) {
    checkDatabase(key, db, environments, problems);
  }
  if (config?.identityCenter !== undefined) checkIdentityCenter(config.identityCenter, problems);
  const horizon = config?.expiryHorizonDays;
  if (horizon !== undefined && !(Number.isInteger(horizon) && horizon >= 1 && horizon <= 3650)) {
    problems.add('expiryHorizonDays', `must be a whole number of days from 1 to 3650, got ${show(horizon)}; e.g. 365`);
  }
  const connections = connectionOverrides(databases, env, problems);
  problems.throwIfAny();
  return connections;
}

function unknownFields(where: string, value: object, known: ReadonlySet<string>, problems: Problems): void {
  for (const field of Object.keys(value)) {
    if (!known.has(field)) problems.add(where, `unknown field ${show(field)}; the fields are ${[...known].join(', ')}`);
  }
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function checkEnvironment(key: string, env: EnvironmentConfig, problems: Problems): void {
  const where = `environments.${key}`;
  if (!KEY_PATTERN.test(key)) problems.add(where, `key ${show(key)} must be lower-case letters, digits and single hyphens (it names stacks), e.g. 'production'`);
  if (typeof env !== 'object' || env === null) {
    problems.add(where, `must be an object, got ${show(env)}`);
    return;
  }
  unknownFields(where, env, ENVIRONMENT_FIELDS, problems);
  checkAwsTarget(where, env, problems);
  if (!/^vpc-[0-9a-f]{8,17}$/.test(String(env.vpcId))) problems.add(where, `vpcId ${show(env.vpcId)} is not a VPC ID, e.g. 'vpc-0abc1234def567890'`);
  const subnets = Array.isArray(env.subnetIds) ? env.subnetIds : [];
  if (subnets.length < 2) problems.add(where, `subnetIds has ${subnets.length}; RDS needs at least two subnets in different availability zones`);
  for (const subnet of subnets) {
    if (!/^subnet-[0-9a-f]{8,17}$/.test(String(subnet))) problems.add(where, `subnetIds entry ${show(subnet)} is not a subnet ID, e.g. 'subnet-0abc1234def567890'`);
  }
  for (const dup of duplicates(subnets)) problems.add(where, `subnetIds lists ${show(dup)} more than once; remove the copy`);
  checkServiceRoleArns(where, env, problems);
}

/** Existing roles services may use: role ARNs of this environment's own account, each once. */
function checkServiceRoleArns(where: string, env: EnvironmentConfig, problems: Problems): void {
  if (env.serviceRoleArns === undefined) return;
  if (!Array.isArray(env.serviceRoleArns)) {
    problems.add(where, `serviceRoleArns must be a list of IAM role ARNs, got ${show(env.serviceRoleArns)}; e.g. ['arn:aws:iam::${env.account}:role/billing-export']`);
    return;
  }
  for (const arn of env.serviceRoleArns) {
    const parts = typeof arn === 'string' ? IAM_ROLE_ARN.exec(arn) : null;
    if (!parts) problems.add(where, `serviceRoleArns entry ${show(arn)} is not an IAM role ARN, e.g. 'arn:aws:iam::123456789012:role/billing-export'`);
    else if (parts[2] !== env.account) problems.add(where, `serviceRoleArns entry ${show(arn)} is in account ${parts[2]}, this environment in ${show(env.account)}; list it under an environment of its own account`);
  }
  for (const dup of duplicates(env.serviceRoleArns)) problems.add(where, `serviceRoleArns lists ${show(dup)} more than once; remove the copy`);
}

/** Account, region, role and state backend: what every stack's AWS side needs. */
function checkAwsTarget(where: string, env: AwsTarget, problems: Problems): void {
  if (!/^\d{12}$/.test(String(env.account))) problems.add(where, `account ${show(env.account)} must be a 12-digit AWS account ID as a string, e.g. '123456789012'`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(String(env.region))) problems.add(where, `region ${show(env.region)} is not an AWS region name, e.g. 'eu-west-1'`);
  if (env.partition !== undefined && !['aws', 'aws-cn', 'aws-us-gov'].includes(env.partition)) {
    problems.add(where, `partition ${show(env.partition)} must be aws, aws-cn or aws-us-gov`);
  }
  if (env.assumeRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(env.assumeRoleArn)) {
    problems.add(where, `assumeRoleArn ${show(env.assumeRoleArn)} is not an IAM role ARN, e.g. 'arn:aws:iam::123456789012:role/terraform'`);
  }
  for (const [tag, value] of Object.entries(env.tags ?? {})) {
    if (typeof value !== 'string' || tag.trim() === '' || tag.length > 128 || value.length > 256 || /^aws:/i.test(tag) || !TAG_TEXT.test(tag) || !TAG_TEXT.test(value)) {
      problems.add(
        where,
        `tag ${show(tag)}=${show(value)} is not a valid AWS tag (key 1-128 characters not starting with aws:, string value up to 256; ` +
          'letters, digits, spaces and _ . : / = + - @ only)',
      );
    }
  }
  const backend = env.backend;
  if (backend !== undefined) {
    if (backend.type === 's3') {
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(String(backend.bucket))) problems.add(where, `backend.bucket ${show(backend.bucket)} is not an S3 bucket name`);
      if (backend.keyPrefix !== undefined && !/^[A-Za-z0-9_.=+-]+(\/[A-Za-z0-9_.=+-]+)*$/.test(String(backend.keyPrefix))) {
        problems.add(where, `backend.keyPrefix ${show(backend.keyPrefix)} must be S3 key segments of letters, digits and _ . = + - joined by /, e.g. 'rds-iam-access'`);
      }
      if (backend.kmsKeyId !== undefined && !KMS_ARN.test(String(backend.kmsKeyId))) {
        problems.add(where, `backend.kmsKeyId ${show(backend.kmsKeyId)} is not a KMS key or alias ARN, e.g. ${KMS_EXAMPLE}`);
      }
    } else if (backend.type !== 'local') {
      problems.add(where, `backend.type ${show((backend as { type: unknown }).type)} must be 'local' or 's3'`);
    }
  }
}

function checkDatabase(key: string, db: DatabaseConfig, environments: AppConfig['environments'], problems: Problems): void {
  const where = `databases.${key}`;
  if (!KEY_PATTERN.test(key) || key.length > 40) {
    problems.add(where, `key ${show(key)} must be lower-case letters, digits and single hyphens, at most 40 characters (it becomes the RDS identifier), e.g. 'orders'`);
  }
  if (typeof db !== 'object' || db === null) {
    problems.add(where, `must be an object, got ${show(db)}`);
    return;
  }
  unknownFields(where, db, DATABASE_FIELDS, problems);
  if (!Object.prototype.hasOwnProperty.call(environments, db.environment)) {
    problems.add(where, `environment ${show(db.environment)} is not declared; the environments are ${Object.keys(environments).join(', ') || '(none)'}`);
  }
  if (!ENGINES.includes(db.engine)) {
    problems.add(where, `engine ${show(db.engine)} is not supported; use one of ${ENGINES.join(', ')}`);
  }
  const nameLimit = ENGINES.includes(db.engine) && engineFamily(db.engine) === 'mysql' ? 64 : 63;
  const names = [db.databaseName, ...(db.schemas ?? [])];
  for (const name of names) {
    if (typeof name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(name) || name.length > nameLimit) {
      problems.add(where, `database/schema name ${show(name)} must be lower-case letters, digits and underscores, starting with a letter, at most ${nameLimit} characters`);
    }
  }
  for (const dup of duplicates(db.schemas ?? [])) problems.add(where, `schemas lists ${show(dup)} more than once; remove the copy`);
  const master = db.masterUsername ?? DATABASE_DEFAULTS.masterUsername;
  if (typeof master !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(master) || ['rdsadmin', 'rdsrepladmin'].includes(master.toLowerCase())) {
    problems.add(where, `masterUsername ${show(master)} must be 1-16 letters, digits or underscores starting with a letter, and not rdsadmin`);
  }
  if (isExisting(db)) checkExistingDatabase(where, db, problems);
  else checkManagedDatabase(where, db, problems);
  if (db.proxy !== undefined) checkProxy(where, db, problems);
  if (!isExisting(db) && db.replicas !== undefined) checkReplicas(where, db, environments, problems);
}

/**
 * Engine versions RDS Proxy takes, among those this project configures (AWS's list of
 * supported engines for RDS Proxy; add a major here when AWS adds it there).
 */
const PROXY_VERSIONS: Readonly<Record<Engine, { pattern: RegExp; supported: string }>> = {
  postgres: { pattern: /^1[5-7](\.\d+)?$/, supported: 'PostgreSQL 15, 16 and 17' },
  'aurora-postgresql': { pattern: /^1[5-7](\.\d+)?$/, supported: 'Aurora PostgreSQL 15, 16 and 17' },
  mysql: { pattern: /^8\.(0|4)(\.\d+)?$/, supported: 'MySQL 8.0 and 8.4' },
  'aurora-mysql': { pattern: /^8\.0\.mysql_aurora\.3\./, supported: 'Aurora MySQL 3' },
  mariadb: { pattern: /^(10\.11|11\.4|11\.8)(\.\d+)?$/, supported: 'MariaDB 10.11, 11.4 and 11.8' },
};
/** RDS Proxy names: a letter, then letters, digits and single hyphens, at most 60. */
const PROXY_NAME = /^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$/;
const REPLICAS_FIELDS = new Set(['count', 'environment', 'instanceClass', 'kmsKeyId']);

/** `proxy`: create one (managed databases, engines and versions RDS Proxy takes) or name an existing one. */
function checkProxy(where: string, db: DatabaseConfig, problems: Problems): void {
  const proxy = db.proxy as unknown;
  if (typeof proxy !== 'object' || proxy === null || Array.isArray(proxy)) {
    problems.add(where, `proxy must be {} (create one) or { existing: '<proxy name>' }, got ${show(proxy)}`);
    return;
  }
  const fields = Object.keys(proxy);
  const existing = (proxy as { existing?: unknown }).existing;
  if (existing !== undefined) {
    if (fields.length !== 1) problems.add(where, `proxy { existing } takes no other field (an existing proxy keeps its settings); remove ${fields.filter((f) => f !== 'existing').join(', ')}`);
    if (typeof existing !== 'string' || !PROXY_NAME.test(existing) || existing.length > 60) {
      problems.add(where, `proxy.existing ${show(existing)} is not an RDS Proxy name (a letter, then letters, digits and single hyphens, at most 60), e.g. 'orders-proxy'`);
    }
    return;
  }
  for (const field of fields) {
    if (field !== 'idleClientTimeout') problems.add(where, `proxy has unknown field ${show(field)}; a created proxy takes idleClientTimeout, an existing one { existing: '<name>' }`);
  }
  checkInteger(where, 'proxy.idleClientTimeout', (proxy as { idleClientTimeout?: unknown }).idleClientTimeout, 1, 28800, problems);
  if (isExisting(db)) {
    problems.add(where, "proxy {} creates a proxy only for a database this project creates; for an existing database name its proxy: proxy: { existing: 'orders-proxy' }");
    return;
  }
  if (ENGINES.includes(db.engine) && typeof db.engineVersion === 'string' && ENGINE_VERSIONS[db.engine].pattern.test(db.engineVersion)) {
    const supported = PROXY_VERSIONS[db.engine];
    if (!supported.pattern.test(db.engineVersion)) {
      problems.add(where, `proxy: RDS Proxy does not take ${db.engine} ${db.engineVersion}; it takes ${supported.supported} here; choose one of those engineVersions or remove proxy`);
    }
  }
}

/** `replicas`: RDS instances only, a sane count, and another region only in the same account. */
function checkReplicas(where: string, db: ManagedDatabaseConfig, environments: AppConfig['environments'], problems: Problems): void {
  const replicas = db.replicas as unknown;
  if (typeof replicas !== 'object' || replicas === null || Array.isArray(replicas)) {
    problems.add(where, `replicas must be { count } (and optionally environment, instanceClass, kmsKeyId), got ${show(replicas)}; e.g. replicas: { count: 1 }`);
    return;
  }
  const r = replicas as ReplicasConfig;
  unknownFields(`${where}.replicas`, r, REPLICAS_FIELDS, problems);
  if (ENGINES.includes(db.engine) && isAurora(db.engine)) {
    problems.add(where, `replicas apply only to RDS instances, not engine ${db.engine}: an Aurora cluster's readers serve reads; use instanceCount (and connect --reader) instead`);
  }
  if (typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 1 || r.count > 5) {
    problems.add(where, `replicas.count ${show(r.count)} must be a whole number from 1 to 5`);
  }
  if (r.instanceClass !== undefined && !/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(String(r.instanceClass))) {
    problems.add(where, `replicas.instanceClass ${show(r.instanceClass)} is not an RDS instance class, e.g. 'db.t4g.medium'`);
  }
  if (r.kmsKeyId !== undefined && !KMS_ARN.test(String(r.kmsKeyId))) {
    problems.add(where, `replicas.kmsKeyId ${show(r.kmsKeyId)} is not a KMS key or alias ARN, e.g. ${KMS_EXAMPLE}`);
  }
  const home = environments[db.environment];
  if (r.environment === undefined) {
    if (r.kmsKeyId !== undefined) problems.add(where, 'replicas.kmsKeyId applies only to replicas in another environment (region); in the same region they use the database\'s key; remove it');
    return;
  }
  const other = Object.prototype.hasOwnProperty.call(environments, r.environment) ? environments[r.environment] : undefined;
  if (!other) {
    problems.add(where, `replicas.environment ${show(r.environment)} is not declared; the environments are ${Object.keys(environments).join(', ') || '(none)'}`);
    return;
  }
  if (!home) return;
  if (other.account !== home.account) {
    problems.add(where, `replicas.environment ${show(r.environment)} is in account ${other.account}, the database in ${home.account}; RDS makes read replicas in the source's account only`);
  }
  if (other.region === home.region) {
    problems.add(where, `replicas.environment ${show(r.environment)} is in the database's own region ${home.region}; leave environment out for replicas in the same region`);
  }
  if (db.kmsKeyId !== undefined && r.kmsKeyId === undefined) {
    problems.add(where, `replicas.kmsKeyId is required: the database uses its own key (kmsKeyId), and a replica in ${other.region} needs a key of that region, e.g. 'arn:aws:kms:${other.region}:${home.account}:key/…'`);
  }
}

/** An existing database: which one, and nothing this project would only set when creating it. */
function checkExistingDatabase(where: string, db: ExistingDatabaseConfig, problems: Problems): void {
  for (const field of CREATE_ONLY_FIELDS) {
    if (field in db) {
      problems.add(where, `${field} applies only to databases this project creates; an existing database keeps its own settings; remove it`);
    }
  }
  if (db.masterUsername === undefined) {
    problems.add(where, "masterUsername is required for an existing database (the plan checks it against RDS, and nobody may take it), e.g. masterUsername: 'postgres'");
  }
  const ref = db.existing as unknown;
  const keys = typeof ref === 'object' && ref !== null && !Array.isArray(ref) ? Object.keys(ref) : [];
  const aurora = ENGINES.includes(db.engine) && isAurora(db.engine);
  const expected = aurora ? 'clusterIdentifier' : 'identifier';
  const example = aurora ? "{ clusterIdentifier: 'orders-cluster' }" : "{ identifier: 'orders-db' }";
  if (keys.length !== 1 || (keys[0] !== 'identifier' && keys[0] !== 'clusterIdentifier')) {
    problems.add(where, `existing must be { identifier } (an RDS instance) or { clusterIdentifier } (an Aurora cluster), got ${show(ref)}; e.g. ${example}`);
    return;
  }
  if (ENGINES.includes(db.engine) && keys[0] !== expected) {
    problems.add(where, `existing.${keys[0]} does not fit engine ${db.engine}: ${aurora ? 'an Aurora cluster' : 'an RDS instance'} is found by ${expected}, e.g. ${example}`);
  }
  const id = (ref as Record<string, unknown>)[keys[0]];
  if (typeof id !== 'string' || !RDS_IDENTIFIER.test(id) || id.length > 63) {
    problems.add(where, `existing.${keys[0]} ${show(id)} is not an RDS identifier (lower-case letters, digits and single hyphens, starting with a letter, at most 63), e.g. ${example}`);
  }
}

/** A database this project creates: engine version, sizes, network and the security settings. */
function checkManagedDatabase(where: string, db: ManagedDatabaseConfig, problems: Problems): void {
  if (ENGINES.includes(db.engine)) {
    const versions = ENGINE_VERSIONS[db.engine];
    if (typeof db.engineVersion !== 'string' || !versions.pattern.test(db.engineVersion)) {
      problems.add(where, `engineVersion ${show(db.engineVersion)} does not fit engine ${db.engine}; use e.g. ${versions.example}`);
    }
    const aurora = isAurora(db.engine);
    for (const field of aurora ? INSTANCE_ONLY : AURORA_ONLY) {
      if (db[field] !== undefined) {
        problems.add(where, `${field} applies only to ${aurora ? 'RDS instances' : 'Aurora clusters'}, not engine ${db.engine}; remove it`);
      }
    }
  }
  checkInteger(where, 'instanceCount', db.instanceCount, 1, 15, problems);
  checkInteger(where, 'allocatedStorage', db.allocatedStorage, 20, 65536, problems);
  checkInteger(where, 'maxAllocatedStorage', db.maxAllocatedStorage, 20, 65536, problems);
  if ((db.maxAllocatedStorage ?? DATABASE_DEFAULTS.maxAllocatedStorage) < (db.allocatedStorage ?? DATABASE_DEFAULTS.allocatedStorage)) {
    problems.add(where, `maxAllocatedStorage ${show(db.maxAllocatedStorage)} is below allocatedStorage ${show(db.allocatedStorage)}; raise it`);
  }
  checkInteger(where, 'backupRetentionDays', db.backupRetentionDays, 7, 35, problems);
  if (db.caCertIdentifier !== undefined && !RDS_CA_IDENTIFIERS.includes(db.caCertIdentifier)) {
    problems.add(where, `caCertIdentifier ${show(db.caCertIdentifier)} is not a current RDS CA; use one of ${RDS_CA_IDENTIFIERS.join(', ')}`);
  }
  if (db.instanceClass !== undefined && !/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(db.instanceClass)) {
    problems.add(where, `instanceClass ${show(db.instanceClass)} is not an RDS instance class, e.g. 'db.t4g.medium'`);
  }
  for (const field of ['multiAz', 'deletionProtection'] as const) {
    if (db[field] !== undefined && typeof db[field] !== 'boolean') problems.add(where, `${field} must be true or false, got ${show(db[field])}`);
  }
  if (db.kmsKeyId !== undefined && !KMS_ARN.test(String(db.kmsKeyId))) {
    problems.add(where, `kmsKeyId ${show(db.kmsKeyId)} is not a KMS key or alias ARN (Terraform's RDS resources take ARNs only), e.g. ${KMS_EXAMPLE}`);
  }
  checkCidrs(where, db, problems);
  const groups = db.allowedSecurityGroupIds ?? [];
  for (const sg of groups) {
    if (!/^sg-[0-9a-f]{8,17}$/.test(String(sg))) problems.add(where, `allowedSecurityGroupIds entry ${show(sg)} is not a security group ID, e.g. 'sg-0abc1234def567890'`);
  }
  for (const dup of duplicates(groups)) problems.add(where, `allowedSecurityGroupIds lists ${show(dup)} more than once; remove the copy`);
}

const IDENTITY_CENTER_FIELDS = new Set([
  'account', 'region', 'partition', 'assumeRoleArn', 'backend', 'tags', 'instanceArn', 'identityStoreId', 'attributeKey',
  'attributeSource', 'attributeSourceReason', 'manageAttributes', 'permissionSetName', 'permissionSetDescription', 'sessionDuration', 'policy',
  'customerManagedPolicyName', 'allowDescribe', 'group',
]);

function checkIdentityCenter(ic: IdentityCenterConfig, problems: Problems): void {
  const where = 'identityCenter';
  if (typeof ic !== 'object' || ic === null) {
    problems.add(where, `must be an object, got ${show(ic)}`);
    return;
  }
  unknownFields(where, ic, IDENTITY_CENTER_FIELDS, problems);
  checkAwsTarget(where, ic, problems);
  if ((ic.instanceArn === undefined) !== (ic.identityStoreId === undefined)) {
    problems.add(where, 'give both instanceArn and identityStoreId, or neither (then they are looked up)');
  }
  if (ic.instanceArn !== undefined && !/^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/.test(ic.instanceArn)) {
    problems.add(where, `instanceArn ${show(ic.instanceArn)} is not an Identity Center instance ARN, e.g. 'arn:aws:sso:::instance/ssoins-1234567890abcdef'`);
  }
  if (ic.identityStoreId !== undefined && !/^d-[0-9a-f]{10}$/.test(ic.identityStoreId)) {
    problems.add(where, `identityStoreId ${show(ic.identityStoreId)} is not an identity store ID, e.g. 'd-1234567890'`);
  }
  if (ic.attributeKey !== undefined && !/^[A-Za-z0-9_.:=+@-]{1,128}$/.test(ic.attributeKey)) {
    problems.add(where, `attributeKey ${show(ic.attributeKey)} is not a valid principal tag key (letters, digits, _ . : = + @ -)`);
  }
  if (ic.attributeSource !== undefined && !/^\$\{path:[A-Za-z0-9_.[\]"= -]+\}$/.test(ic.attributeSource)) {
    problems.add(where, `attributeSource ${show(ic.attributeSource)} must be an Identity Center attribute path, e.g. '\${path:userName}'`);
  } else if (ic.attributeSource !== undefined && ic.attributeSource !== DEFAULT_ATTRIBUTE_SOURCE && ic.attributeSourceReason === undefined) {
    // The tag names the database user a session may be: an attribute a person can edit (a name, a
    // nickname) or that two people can share would let one log in as another.
    problems.add(where, `attributeSource ${show(ic.attributeSource)} is not \${path:userName}, the one attribute Identity Center keeps unique and people cannot edit; keep the default, or say in attributeSourceReason why this attribute is unique and set only by administrators`);
  }
  if (ic.attributeSourceReason !== undefined) {
    const problem = freeTextProblem(ic.attributeSourceReason, 300);
    if (problem) problems.add(where, `attributeSourceReason ${show(ic.attributeSourceReason)} ${problem}`);
    if (ic.attributeSource === undefined || ic.attributeSource === DEFAULT_ATTRIBUTE_SOURCE) problems.add(where, 'attributeSourceReason without another attributeSource; remove it');
  }
  if (ic.permissionSetName !== undefined && !/^[\w+=,.@-]{1,32}$/.test(ic.permissionSetName)) {
    problems.add(where, `permissionSetName ${show(ic.permissionSetName)} must be 1-32 letters, digits or + = , . @ _ -`);
  }
  if (ic.sessionDuration !== undefined && !/^PT([1-9]|1[0-2])H$/.test(ic.sessionDuration)) {
    problems.add(where, `sessionDuration ${show(ic.sessionDuration)} must be PT1H to PT12H`);
  }
  if (ic.policy !== undefined && ic.policy !== 'inline' && ic.policy !== 'customer-managed') {
    problems.add(where, `policy ${show(ic.policy)} must be 'inline' or 'customer-managed'`);
  }
  if (ic.customerManagedPolicyName !== undefined && ic.policy !== 'customer-managed') {
    problems.add(where, "customerManagedPolicyName applies only with policy: 'customer-managed'; remove it or set the policy");
  }
  if (ic.customerManagedPolicyName !== undefined && !/^[\w+=,.@-]{1,128}$/.test(ic.customerManagedPolicyName)) {
    problems.add(where, `customerManagedPolicyName ${show(ic.customerManagedPolicyName)} is not an IAM policy name`);
  }
  if (ic.group !== undefined) {
    const problem = freeTextProblem(ic.group?.name, 1024);
    if (problem) problems.add(where, `group.name ${show(ic.group?.name)} ${problem}; use the group's display name`);
  }
  if (ic.permissionSetDescription !== undefined) {
    const problem = freeTextProblem(ic.permissionSetDescription, 700);
    if (problem) problems.add(where, `permissionSetDescription ${show(ic.permissionSetDescription)} ${problem}`);
    else if (!/^[\u0020-\u007E\u00A1-\u00FF]*$/.test(ic.permissionSetDescription)) {
      problems.add(where, `permissionSetDescription ${show(ic.permissionSetDescription)} may hold only Latin-1 printable characters (an Identity Center rule)`);
    }
  }
  for (const field of ['manageAttributes', 'allowDescribe'] as const) {
    if (ic[field] !== undefined && typeof ic[field] !== 'boolean') problems.add(where, `${field} must be true or false, got ${show(ic[field])}`);
  }
}

function checkInteger(where: string, field: string, value: unknown, min: number, max: number, problems: Problems): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.add(where, `${field} ${show(value)} must be a whole number from ${min} to ${max}`);
  }
}

/**
 * `allowedCidrs` admits private networks only; a public block must be listed under
 * `publicCidrs` with a reason, and no wider than WIDEST_PUBLIC_PREFIX.
 */
function checkCidrs(where: string, db: ManagedDatabaseConfig, problems: Problems): void {
  const seen: string[] = [];
  for (const value of db.allowedCidrs ?? []) {
    const cidr = parseCidr(value);
    if (typeof cidr === 'string') {
      problems.add(where, `allowedCidrs entry ${show(value)} ${cidr}`);
    } else if (!cidr.private) {
      problems.add(
        where,
        `allowedCidrs entry ${show(value)} is a public range (not inside ${PRIVATE_RANGES.join(', ')}); list the private networks ` +
          "that need the database, or, if this one must, move it to publicCidrs: [{ cidr, reason: '…' }]",
      );
    } else {
      seen.push(cidr.cidr);
    }
  }
  if (db.publicCidrs !== undefined && !Array.isArray(db.publicCidrs)) {
    problems.add(where, `publicCidrs must be a list of { cidr, reason }, got ${show(db.publicCidrs)}`);
  }
  for (const entry of Array.isArray(db.publicCidrs) ? (db.publicCidrs as readonly PublicCidr[]) : []) {
    const value = entry?.cidr;
    const cidr = parseCidr(value);
    if (typeof cidr === 'string') {
      problems.add(where, `publicCidrs entry ${show(value)} ${cidr}`);
    } else if (cidr.private) {
      problems.add(where, `publicCidrs entry ${show(value)} is a private range; move it to allowedCidrs`);
    } else if (cidr.prefix < WIDEST_PUBLIC_PREFIX[cidr.kind]) {
      problems.add(where, `publicCidrs entry ${show(value)} is wider than /${WIDEST_PUBLIC_PREFIX[cidr.kind]}, the widest public block allowed; list the exact egress ranges`);
    } else {
      seen.push(cidr.cidr);
    }
    const reasonProblem = freeTextProblem(entry?.reason, PUBLIC_CIDR_REASON_LIMIT);
    if (reasonProblem) problems.add(where, `publicCidrs entry ${show(value)}: reason ${show(entry?.reason)} ${reasonProblem}; say who connects from there and why`);
  }
  for (const dup of duplicates(seen)) problems.add(where, `CIDR ${show(dup)} is listed more than once; remove the copy`);
}
