import { PostgresqlProvider } from '@cdktf/provider-postgresql/lib/provider';
import { TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { MysqlProvider } from '../.gen/providers/mysql/provider/index';
import { ConnectionOverrides } from '../lib/model/connection';
import { DatabaseGrant } from '../lib/model/types';
import { IamDatabase } from '../modules/iam-database';
import { MysqlAccess } from '../modules/mysql-access';
import { PostgresAccess } from '../modules/postgres-access';
import { EnvironmentStack, EnvironmentStackProps } from './environment-stack';

export interface UsersStackProps extends EnvironmentStackProps {
  /** The database (from its DatabaseStack) whose users this stack manages. */
  readonly database: IamDatabase;
  /** PostgreSQL schemas, or further MySQL databases, the tiers apply to. @default - `public` / the database itself */
  readonly schemas?: readonly string[];
  /** People with access to this database, sorted by username. */
  readonly grants: readonly DatabaseGrant[];
  /** Where and how the provider connects. @default - RDS endpoint, master user via its secret, sslmode require */
  readonly connection?: ConnectionOverrides;
}

/** Terraform address of the ephemeral master secret: read at plan/apply, never stored. */
const MASTER_SECRET = 'ephemeral.aws_secretsmanager_secret_version.master';

/**
 * The IAM-mapped users of one database. Runs the mysql or postgresql provider against
 * the database, so it needs network reach to it (see README: reaching a private database).
 */
export class UsersStack extends EnvironmentStack {
  readonly access: PostgresAccess | MysqlAccess;

  constructor(scope: Construct, id: string, props: UsersStackProps) {
    super(scope, id, props);
    const db = props.database;
    const conn = props.connection ?? {};
    const login = conn.login ?? 'master-secret';
    const host = conn.host ?? db.endpoint;
    const port = conn.port ?? db.port;
    const username = conn.username ?? db.masterUsername;
    let password: string | undefined;
    if (login === 'master-secret') {
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
        sslmode: conn.sslMode ?? 'require',
        sslrootcert: conn.caBundle,
        // RDS has no superuser; the provider must not assume one.
        superuser: false,
        connectTimeout: 15,
        ...(login === 'iam' ? { awsRdsIamAuth: true, awsRdsIamRegion: props.environment.region } : {}),
      });
      this.access = new PostgresAccess(this, 'access', {
        databaseName: db.databaseName,
        schemas: props.schemas,
        objectOwners: [db.masterUsername],
        grants: props.grants,
      });
    } else {
      const verify = conn.caBundle !== undefined && conn.sslMode !== undefined && conn.sslMode !== 'require';
      new MysqlProvider(this, 'mysql', {
        endpoint: `${host}:${port}`,
        username,
        password,
        // Always TLS: verified against the RDS CA bundle when given, else encrypted only.
        ...(verify ? { customTls: [{ configKey: 'rds', caCert: conn.caBundle as string }] } : { tls: 'skip-verify' }),
        proxy: conn.proxy,
        ...(login === 'iam' ? { awsConfig: [{ awsRdsIamAuth: true, region: props.environment.region }] } : {}),
      });
      this.access = new MysqlAccess(this, 'access', {
        databases: [db.databaseName, ...(props.schemas ?? []).filter((s) => s !== db.databaseName)],
        grants: props.grants,
      });
    }
  }
}
