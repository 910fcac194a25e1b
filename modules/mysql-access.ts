import { Construct } from 'constructs';
import { Database } from '../.gen/providers/mysql/database';
import { DefaultRoles } from '../.gen/providers/mysql/default-roles';
import { Grant } from '../.gen/providers/mysql/grant';
import { Role } from '../.gen/providers/mysql/role';
import { User } from '../.gen/providers/mysql/user';
import { MYSQL_TIER_PRIVILEGES, tierRoleName } from '../lib/model/tiers';
import { DatabaseGrant, Tier, TIERS } from '../lib/model/types';
import { forEachShards } from './for-each-map';
import { peopleBarrier } from './people-barrier';

export interface MysqlAccessProps {
  /** MySQL databases (schemas) the tiers apply to. */
  readonly databases: readonly string[];
  /**
   * Those of `databases` this construct creates (RDS creates the first at launch). They are
   * never dropped by Terraform: removing one from config.ts fails the plan instead.
   * @default - none
   */
  readonly createDatabases?: readonly string[];
  /** Users; each becomes a user plus one role grant. */
  readonly grants: readonly DatabaseGrant[];
  /**
   * Make each user's tier role their default role, for servers that activate only that one at
   * login (MariaDB): a third resource instance per user.
   * @default false - the server activates every granted role at login (MySQL's `activate_all_roles_on_login`)
   */
  readonly defaultRoles?: boolean;
}

/**
 * A database name as a grant's pattern: in `GRANT … ON \`db\`.*` MySQL and MariaDB read `_`
 * and `%` as wildcards, so a grant on `billing_eu` would also cover `billingXeu`. The
 * provider writes the name as given, so the escape happens here.
 */
export function grantDatabasePattern(database: string): string {
  return database.replace(/[\\_%]/g, (c) => `\\${c}`);
}

/** Host part of every IAM user: RDS connects them from anywhere in the VPC, never localhost. */
export const MYSQL_IAM_HOST = '%';

/**
 * IAM-authenticated MySQL and MariaDB users (`IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`,
 * `REQUIRE SSL`) and roles per tier. A MySQL database's parameter group sets
 * `activate_all_roles_on_login`, so a granted role is active without per-user defaults;
 * on MariaDB (`defaultRoles`) each user's tier role is made their default role.
 */
export class MysqlAccess extends Construct {
  readonly tierRoles: Readonly<Record<Tier, Role>>;

  constructor(scope: Construct, id: string, props: MysqlAccessProps) {
    super(scope, id);
    const created = new Map(
      (props.createDatabases ?? []).map((name) => [
        name,
        // DROP DATABASE would delete the data: Terraform must refuse instead.
        new Database(this, `database-${name}`, { name, lifecycle: { preventDestroy: true } }),
      ]),
    );
    const roles = {} as Record<Tier, Role>;
    for (const tier of TIERS) {
      roles[tier] = new Role(this, `tier-${tier}`, { name: tierRoleName(tier) });
      for (const database of props.databases) {
        const creating = created.get(database);
        new Grant(this, `${tier}-${database}`, {
          role: roles[tier].name,
          database: grantDatabasePattern(database),
          table: '*',
          privileges: [...MYSQL_TIER_PRIVILEGES[tier]],
          // The escaped name is not the database's, so the wait on a created one is explicit.
          ...(creating ? { dependsOn: [creating] } : {}),
        });
      }
    }
    this.tierRoles = roles;

    // Resources per kind keyed by username, people spread over shards (see forEachShards):
    // per-person state addresses stay stable (`mysql_user.…-<shard>["jane"]`) and synth cost
    // does not grow with people. One map (username → tier role) serves both: the user reads
    // only the key, so a tier change touches only the grant, never the user.
    const shards = forEachShards(this, 'people', props.grants, (g) => g.username, (g) => tierRoleName(g.tier));
    const users = shards.map(({ shard, iterator: people }) => new User(this, `users-${shard}`, {
      forEach: people,
      user: people.key,
      host: MYSQL_IAM_HOST,
      authPlugin: 'AWSAuthenticationPlugin',
      tlsOption: 'SSL',
    }));
    const usersReady = peopleBarrier(this, 'users-ready', [...users, ...TIERS.map((t) => roles[t])]);
    const tiers = shards.map(({ shard, iterator: people }) => new Grant(this, `user-tiers-${shard}`, {
      forEach: people,
      user: people.key,
      host: MYSQL_IAM_HOST,
      database: '*',
      table: '*',
      roles: [people.value],
      dependsOn: [usersReady],
    }));
    if (props.defaultRoles) {
      const tiersReady = peopleBarrier(this, 'user-tiers-ready', tiers);
      // A tier change updates this in place (SET DEFAULT ROLE) once the new role is granted.
      for (const { shard, iterator: people } of shards) {
        new DefaultRoles(this, `user-default-roles-${shard}`, {
          forEach: people,
          user: people.key,
          host: MYSQL_IAM_HOST,
          roles: [people.value],
          dependsOn: [tiersReady],
        });
      }
    }
  }
}
