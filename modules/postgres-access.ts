import { DefaultPrivileges } from '@cdktf/provider-postgresql/lib/default-privileges';
import { Grant } from '@cdktf/provider-postgresql/lib/grant';
import { Role } from '@cdktf/provider-postgresql/lib/role';
import { TerraformIterator } from 'cdktf';
import { Construct } from 'constructs';
import { POSTGRES_TIER_GRANTS, TIER_PARENT, tierRoleName } from '../lib/model/tiers';
import { DatabaseGrant, Tier, TIERS } from '../lib/model/types';

export interface PostgresAccessProps {
  /** Database the tiers apply to. */
  readonly databaseName: string;
  /** Schemas in it the tiers apply to. @default ["public"] */
  readonly schemas?: readonly string[];
  /**
   * Roles whose future tables and sequences the tiers can use (default privileges).
   * The tier role `iam_admin` is always included.
   */
  readonly objectOwners: readonly string[];
  /** Users; each becomes one LOGIN role. */
  readonly grants: readonly DatabaseGrant[];
}

/**
 * IAM-authenticated PostgreSQL users and the tier roles they belong to. Tier roles are
 * created once per database; a person is one instance of the `users` role resource
 * (keyed by username), a member of `rds_iam` and of their tier, so a tier change is an
 * in-place membership update.
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
        for (const [objectType, privileges] of Object.entries(POSTGRES_TIER_GRANTS[tier])) {
          new Grant(this, `${tier}-${schema}-${objectType}`, {
            database: props.databaseName,
            schema,
            role: roles[tier].name,
            objectType,
            privileges: [...privileges],
          });
          if (objectType === 'schema') continue;
          for (const [ownerName, owner] of owners) {
            new DefaultPrivileges(this, `${tier}-${schema}-${objectType}-future-${ownerName}`, {
              database: props.databaseName,
              schema,
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
    const members = TerraformIterator.fromMap(Object.fromEntries(props.grants.map((g) => [g.username, tierRoleName(g.tier)])));
    new Role(this, 'users', {
      forEach: members,
      name: members.key,
      login: true,
      roles: ['rds_iam', members.value],
      // On removal the provider reassigns what the person owned to its own login user
      // (the master user) before dropping the role: nothing they created is lost.
      skipReassignOwned: false,
      skipDropRole: false,
      dependsOn: TIERS.map((t) => roles[t]),
    });
  }
}
