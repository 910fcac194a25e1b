import { DefaultPrivileges } from '@cdktf/provider-postgresql/lib/default-privileges';
import { Grant } from '@cdktf/provider-postgresql/lib/grant';
import { Role } from '@cdktf/provider-postgresql/lib/role';
import { Schema } from '@cdktf/provider-postgresql/lib/schema';
import { Construct } from 'constructs';
import { POSTGRES_TIER_GRANTS, TIER_PARENT, tierRoleName } from '../lib/model/tiers';
import { DatabaseGrant, Tier, TIERS } from '../lib/model/types';
import { forEachMap } from './for-each-map';

export interface PostgresAccessProps {
  /** Database the tiers apply to. */
  readonly databaseName: string;
  /**
   * Schemas in it the tiers apply to. Each one but `public` is created if missing (owned by
   * the provider's login user) and never dropped with data in it.
   * @default ["public"]
   */
  readonly schemas?: readonly string[];
  /**
   * Roles whose future tables and sequences the tiers can use (default privileges).
   * The admin tier role is always included.
   */
  readonly objectOwners: readonly string[];
  /** Users; each becomes one LOGIN role. */
  readonly grants: readonly DatabaseGrant[];
}

/**
 * IAM-authenticated PostgreSQL users and the tier roles they belong to. Tier roles are
 * created once per database; a person is one instance of the `users` role resource
 * (keyed by username), a member of `rds_iam` and of their tier, so a tier change is an
 * in-place membership update. Each person works as their tier role from login
 * (`ALTER ROLE … SET role`), so what an admin creates belongs to the admin tier role:
 * every tier sees it at once and the grants never drift.
 */
export class PostgresAccess extends Construct {
  readonly tierRoles: Readonly<Record<Tier, Role>>;

  constructor(scope: Construct, id: string, props: PostgresAccessProps) {
    super(scope, id);
    const schemas = props.schemas ?? ['public'];
    const roles = {} as Record<Tier, Role>;
    for (const tier of TIERS) {
      const parent = TIER_PARENT[tier];
      roles[tier] = new Role(this, `tier-${tier}`, {
        name: tierRoleName(tier),
        login: false,
        roles: parent ? [roles[parent].name] : [],
      });
    }
    this.tierRoles = roles;
    // `public` exists in every database (owned by the database owner); the others are ours to create.
    const created = new Map(
      schemas.filter((s) => s !== 'public').map((s) => [s, new Schema(this, `schema-${s}`, { database: props.databaseName, name: s })]),
    );
    // Keyed by plain name (construct ids must be known at synth); the tier role by reference, for ordering.
    const owners = new Map(props.objectOwners.map((o) => [o, o]));
    owners.set(tierRoleName('admin'), roles.admin.name);

    new Grant(this, 'read-connect', {
      database: props.databaseName,
      role: roles.read.name,
      objectType: 'database',
      privileges: ['CONNECT'],
    });
    for (const tier of TIERS) {
      for (const schema of schemas) {
        // By reference when we create it, so grants wait for the schema.
        const schemaName = created.get(schema)?.name ?? schema;
        for (const [objectType, privileges] of Object.entries(POSTGRES_TIER_GRANTS[tier])) {
          new Grant(this, `${tier}-${schema}-${objectType}`, {
            database: props.databaseName,
            schema: schemaName,
            role: roles[tier].name,
            objectType,
            privileges: [...privileges],
          });
          if (objectType === 'schema') continue;
          for (const [ownerName, owner] of owners) {
            new DefaultPrivileges(this, `${tier}-${schema}-${objectType}-future-${ownerName}`, {
              database: props.databaseName,
              schema: schemaName,
              owner,
              role: roles[tier].name,
              objectType,
              privileges: [...privileges],
            });
          }
        }
      }
    }

    // One resource for everyone, keyed by username: per-person state addresses stay stable
    // (`postgresql_role.…["jane"]`) and synth cost does not grow with people.
    const members = forEachMap(this, 'people_tiers', Object.fromEntries(props.grants.map((g) => [g.username, tierRoleName(g.tier)])));
    new Role(this, 'users', {
      forEach: members,
      name: members.key,
      login: true,
      roles: ['rds_iam', members.value],
      // Work as the tier role from login: objects people create belong to it, not to them.
      assumeRole: members.value,
      // On removal the provider reassigns what the person owned to its own login user
      // (the master user) before dropping the role: nothing they created is lost.
      skipReassignOwned: false,
      skipDropRole: false,
      dependsOn: TIERS.map((t) => roles[t]),
    });
  }
}
