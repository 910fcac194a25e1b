import { PostgresqlProvider } from '@cdktf/provider-postgresql/lib/provider';
import { AssetType, TerraformAsset, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { MysqlProvider } from '../.gen/providers/mysql/provider';
import { ConnectionOverrides, loginOf } from '../lib/model/connection';
import { DatabaseGrant, needsDefaultRole } from '../lib/model/types';
import { terraformLiteral } from '../lib/terraform/literal';
import { rdsCaBundleFile } from '../lib/tls/rds-ca-bundle';
import { MysqlAccess } from '../modules/mysql-access';
import { PostgresAccess } from '../modules/postgres-access';
import { RdsDatabase } from '../modules/rds-database';
import { EnvironmentStack, EnvironmentStackProps } from './environment-stack';

export interface UsersStackProps extends Omit<EnvironmentStackProps, 'awsProvider'> {
  /** The database (from its DatabaseStack) whose users this stack manages. */
  readonly database: RdsDatabase;
  /** PostgreSQL schemas, or further MySQL databases, the tiers apply to. @default - `public` / the database itself */
  readonly schemas?: readonly string[];
  /** People with access to this database, sorted by username. */
  readonly grants: readonly DatabaseGrant[];
  /**
   * People whose access here has expired. PostgreSQL keeps their role, locked (NOLOGIN, in no
   * role); MySQL has no lock the provider can set, so their user is dropped like a removed one.
   * @default - none
   */
  readonly locked?: readonly DatabaseGrant[];
  /** Where and how the provider connects. @default - RDS endpoint, master user via its secret, TLS verified against the RDS CA bundle */
  readonly connection?: ConnectionOverrides;
}

/** Terraform address of the ephemeral master secret: read at plan/apply, never stored. */
const MASTER_SECRET = 'ephemeral.aws_secretsmanager_secret_version.master';

/** Seconds the PostgreSQL provider waits for a connection; it does not retry, so a wrong port fails at once. */
export const POSTGRES_CONNECT_TIMEOUT_SECONDS = 10;

/**
 * Seconds the MySQL provider keeps retrying a connection that fails below MySQL (refused,
 * unreachable, TLS). Its default is 300 s per resource, one resource after another, which
 * turned a wrong port into minutes; the database stack is applied (and available) first, so
 * retrying longer only hides a wrong port, host or certificate.
 */
export const MYSQL_CONNECT_RETRY_SECONDS = 2;

/**
 * The IAM-mapped users of one database. Runs the mysql or postgresql provider against
 * the database, so it needs network reach to it (see README: reaching a private database).
 */
export class UsersStack extends EnvironmentStack {
  readonly access: PostgresAccess | MysqlAccess;

  constructor(scope: Construct, id: string, props: UsersStackProps) {
    const conn = props.connection ?? {};
    const login = loginOf(conn);
    // Only the master secret is read through AWS; the providers sign IAM tokens themselves.
    super(scope, id, { ...props, awsProvider: login === 'master-secret' });
    const db = props.database;
    const host = terraformLiteral(conn.host) ?? db.endpoint;
    const port = conn.port ?? db.port;
    const username = terraformLiteral(conn.username) ?? db.masterUsername;
    const sslMode = conn.sslMode ?? 'verify-full';
    // Unless another is given, the shipped bundle is copied next to the stack (a relative path,
    // the same on every machine); an unverified connection needs none.
    const shippedBundle = () => new TerraformAsset(this, 'rds-ca-bundle', { path: rdsCaBundleFile(), type: AssetType.FILE }).path;
    const caBundle = terraformLiteral(conn.caBundle) ?? (sslMode === 'require' ? undefined : shippedBundle());
    let password: string | undefined;
    if (login === 'master-secret') {
      if (db.masterSecretArn === undefined) throw new Error(`UsersStack ${id}: the database reads no master secret, so log in with connection.login 'iam' or 'password'`);
      // cdktf 0.21 has no construct for ephemeral resources, so this is raw Terraform JSON.
      // Overrides skip cross-stack wiring; a local carries the other stack's secret ARN in.
      const secretArn = new TerraformLocal(this, 'master_secret_arn', db.masterSecretArn);
      this.addOverride(MASTER_SECRET, { secret_id: secretArn.asString });
      password = `\${jsondecode(${MASTER_SECRET}.secret_string)["password"]}`;
    }

    if (db.family === 'postgres') {
      new PostgresqlProvider(this, 'postgresql', {
        host,
        port,
        database: db.databaseName,
        username,
        password,
        sslmode: sslMode,
        sslrootcert: caBundle,
        // RDS has no superuser; the provider must not assume one.
        superuser: false,
        connectTimeout: POSTGRES_CONNECT_TIMEOUT_SECONDS,
        // One connection, reused: the provider closes every connection it is not handing
        // straight to a waiting read, so with its default of 20 a re-plan of 1,000 people opened
        // 4,000 (a TLS handshake and login each); with one, and Terraform's parallel reads queued
        // on it, about 250 (`npm run bench`). Its statements never wait on a second connection.
        maxConnections: 1,
        ...(login === 'iam' ? { awsRdsIamAuth: true, awsRdsIamRegion: props.environment.region } : {}),
      });
      this.access = new PostgresAccess(this, 'access', {
        databaseName: db.databaseName,
        schemas: props.schemas,
        objectOwners: [db.masterUsername],
        grants: props.grants,
        locked: props.locked,
      });
    } else {
      new MysqlProvider(this, 'mysql', {
        endpoint: `${host}:${port}`,
        username,
        password,
        // Validation leaves verify-full (CA and host name: the driver checks both) or an explicit require.
        ...(sslMode === 'verify-full' ? { customTls: [{ configKey: 'rds', caCert: caBundle as string }] } : { tls: 'skip-verify' }),
        proxy: terraformLiteral(conn.proxy),
        connectRetryTimeoutSec: MYSQL_CONNECT_RETRY_SECONDS,
        ...(login === 'iam' ? { awsConfig: [{ awsRdsIamAuth: true, region: props.environment.region }] } : {}),
      });
      const extra = (props.schemas ?? []).filter((s) => s !== db.databaseName);
      this.access = new MysqlAccess(this, 'access', {
        databases: [db.databaseName, ...extra],
        createDatabases: extra,
        grants: props.grants,
        defaultRoles: needsDefaultRole(db.engine),
      });
    }
  }
}
