import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { SERVICE_ROLE_PREFIX, ServiceRole as ServiceRoleSpec } from '../lib/model/types';
import { RdsDatabase } from '../modules/rds-database';
import { ServiceRole } from '../modules/service-role';
import { EnvironmentStack, EnvironmentStackProps } from './environment-stack';

/** One service of services.ts with the databases it may use (all in this stack's account). */
export interface ServiceAccess {
  readonly name: string;
  readonly role: ServiceRoleSpec;
  /** The databases it may use, by config.ts key, sorted (its tier there is the users stack's business). */
  readonly databases: readonly { readonly key: string; readonly database: RdsDatabase }[];
}

export interface ServicesStackProps extends EnvironmentStackProps {
  /** The services whose databases are in this account, sorted by name. */
  readonly services: readonly ServiceAccess[];
}

/**
 * The IAM side of services.ts in one account: per service, a connect policy scoped to its own
 * database user on exactly its databases, attached to its role (created, or existing).
 */
export class ServicesStack extends EnvironmentStack {
  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const env = props.environment;
    const roles: Record<string, string> = {};
    for (const service of props.services) {
      const principal = new ServiceRole(this, `service-${service.name}`, {
        name: service.name,
        role: service.role,
        // Its own user only, on each database and on that database's proxy and replicas.
        connectArns: service.databases.flatMap(({ database }) => database.connectArns(service.name)),
        partition: env.partition ?? 'aws',
        account: env.account,
        namePrefix: SERVICE_ROLE_PREFIX,
      });
      roles[service.name] = principal.roleName;
    }
    new TerraformOutput(this, 'roles', { value: roles, description: 'Service name → the IAM role it runs as (and connects with, as its own database user)' });
  }
}
