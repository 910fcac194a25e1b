import { Construct } from 'constructs';
import { Grant } from '../.gen/providers/mysql/grant';
import { Role } from '../.gen/providers/mysql/role';
import { User } from '../.gen/providers/mysql/user';
import { MYSQL_TIER_PRIVILEGES, tierRoleName } from '../lib/tiers';
import { DatabaseGrant, Tier, TIERS } from '../lib/types';

export interface MysqlAccessProps {
  /** MySQL databases (schemas) the tiers apply to. */
  readonly databases: readonly string[];
  /** Users, sorted by username; each becomes a user plus one role grant. */
  readonly grants: readonly DatabaseGrant[];
}

/** Host part of every IAM user: RDS connects them from anywhere in the VPC, never localhost. */
export const MYSQL_IAM_HOST = '%';

/**
 * IAM-authenticated MySQL users (`IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`,
 * `REQUIRE SSL`) and MySQL 8 roles per tier. The database's parameter group sets
 * `activate_all_roles_on_login`, so a granted role is active without per-user defaults.
 */
export class MysqlAccess extends Construct {
  readonly tierRoles: Readonly<Record<Tier, Role>>;

  constructor(scope: Construct, id: string, props: MysqlAccessProps) {
    super(scope, id);
    const roles = {} as Record<Tier, Role>;
    for (const tier of TIERS) {
      roles[tier] = new Role(this, `tier-${tier}`, { name: tierRoleName(tier) });
      for (const database of props.databases) {
        new Grant(this, `${tier}-${database}`, {
          role: roles[tier].name,
          database,
          table: '*',
          privileges: [...MYSQL_TIER_PRIVILEGES[tier]],
        });
      }
    }
    this.tierRoles = roles;

    // One reference per tier, shared by every person: each `.name` read makes a new token.
    const tierRoleRefs = Object.fromEntries(TIERS.map((t) => [t, roles[t].name])) as Record<Tier, string>;
    for (const { username, tier } of props.grants) {
      const user = new User(this, `user-${username}`, {
        user: username,
        host: MYSQL_IAM_HOST,
        authPlugin: 'AWSAuthenticationPlugin',
        tlsOption: 'SSL',
      });
      new Grant(this, `user-${username}-tier`, {
        user: user.user, // the reference orders the grant after the user
        host: MYSQL_IAM_HOST,
        database: '*',
        table: '*',
        roles: [tierRoleRefs[tier]],
      });
    }
  }
}
