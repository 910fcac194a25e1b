import { DefaultPrivileges } from '@cdktf/provider-postgresql/lib/default-privileges';
import { Grant } from '@cdktf/provider-postgresql/lib/grant';
import { GrantRole } from '@cdktf/provider-postgresql/lib/grant-role';
import { Role } from '@cdktf/provider-postgresql/lib/role';
import { Schema } from '@cdktf/provider-postgresql/lib/schema';
import { Construct } from 'constructs';
import { DEPARTED_ROLE, PASSWORD_NEVER_VALID } from '../lib/audit/markers';
import { POSTGRES_TIER_GRANTS, TIER_PARENT, tierRoleName } from '../lib/model/tiers';
import { DatabaseGrant, Tier, TIERS } from '../lib/model/types';
import { forEachShards, ForEachValue } from './for-each-map';
import { peopleBarrier } from './people-barrier';

/** The role RDS lets in with an IAM token instead of a password. */
export const RDS_IAM_ROLE = 'rds_iam';

const personValues = (login: boolean): Readonly<Record<Tier, ForEachValue>> => ({
  read: { tier: tierRoleName('read'), login },
  write: { tier: tierRoleName('write'), login },
  admin: { tier: tierRoleName('admin'), login },
});
/** A person's `people` value by tier, logging in or locked: six shared objects, not one per person. */
const PERSON = { login: personValues(true), locked: personValues(false) } as const;

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
  /** Users; each becomes one LOGIN role, a member of rds_iam and of their tier. */
  readonly grants: readonly DatabaseGrant[];
  /**
   * People whose access has expired: their role stays, NOLOGIN and in no role, so they are
   * locked out at once and the role comes back as it was if their access is renewed.
   * @default - none
   */
  readonly locked?: readonly DatabaseGrant[];
}

/**
 * IAM-authenticated PostgreSQL users and the tier roles they belong to. Tier roles are
 * created once per database; a person is an instance of a `users-<shard>` role resource (keyed
 * by username) plus their memberships in `rds_iam` and their tier, so a tier change replaces one
 * membership. Each person works as their tier role from login
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
    new Role(this, 'departed', { name: DEPARTED_ROLE, login: false, roles: [], validUntil: PASSWORD_NEVER_VALID });
    // `public` exists in every database (owned by the database owner); the others are ours to create.
    const created = new Map(
      schemas.filter((s) => s !== 'public').map((s) => [s, new Schema(this, `schema-${s}`, { database: props.databaseName, name: s })]),
    );
    // Keyed by plain name (construct ids must be known at synth); the tier role by reference, for ordering.
    const owners = new Map(props.objectOwners.map((o) => [o, o]));
    owners.set(tierRoleName('admin'), roles.admin.name);
    // Functions these owners create later grant no EXECUTE to PUBLIC: a SECURITY DEFINER
    // function is callable only by whom it is granted to. PostgreSQL grants EXECUTE to PUBLIC
    // globally, and a per-schema default can only add to that, so this one is database-wide.
    for (const [ownerName, owner] of owners) {
      new DefaultPrivileges(this, `functions-not-public-${ownerName}`, {
        database: props.databaseName,
        owner,
        role: 'public',
        objectType: 'function',
        privileges: [],
      });
    }

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

    // Per person, keyed by username (stable state addresses; synth cost does not grow with
    // people): their role, and their memberships in rds_iam and in their tier as grants of
    // their own. The grants depend on the role, so a removal revokes them first: IAM login
    // ends, and no password was ever valid (VALID UNTIL), so nothing lets them in. The role
    // is left as it is, owning what it owned: with no membership it has no more rights than
    // a stranger, so its SECURITY DEFINER functions run with no more than that, never as
    // the master (the provider's REASSIGN OWNED would give them to its login user). DROP ROLE
    // fails while anything in another database refers to it, and one person's failed drop
    // would fail every later apply for everyone: `npm run audit -- --drop-departed` gives
    // what it owns to iam_departed and drops it, or says why not.
    const locked = new Set(props.locked ?? []);
    // People are spread over shards (a role resource, and two grant resources, per shard; see forEachShards).
    const users = forEachShards(this, 'people', [...props.grants, ...locked], (g) => g.username, (g) => PERSON[locked.has(g) ? 'locked' : 'login'][g.tier])
      .map(({ shard, iterator: people }) => new Role(this, `users-${shard}`, {
        forEach: people,
        name: people.key,
        login: people.getBoolean('login'),
        // Work as the tier role from login: objects people create belong to it, not to them.
        // Kept while locked: it marks the role as one of ours for the audit.
        assumeRole: people.getString('tier'),
        validUntil: PASSWORD_NEVER_VALID,
        skipReassignOwned: true,
        skipDropRole: true,
        // Memberships are the grants below; the role must not revoke them as unlisted.
        lifecycle: { ignoreChanges: ['roles'] },
        dependsOn: TIERS.map((t) => roles[t]),
      }));
    // The provider's role update re-grants the memberships it read at plan time, so grants
    // must change after it: created before, destroyed after (create_before_destroy).
    const usersReady = peopleBarrier(this, 'users-ready', users);
    for (const { shard, iterator: members } of forEachShards(this, 'people_tiers', props.grants, (g) => g.username, (g) => tierRoleName(g.tier))) {
      const membership = { forEach: members, role: members.key, dependsOn: [usersReady], lifecycle: { createBeforeDestroy: true } };
      new GrantRole(this, `users-iam-${shard}`, { ...membership, grantRole: RDS_IAM_ROLE });
      new GrantRole(this, `users-tier-${shard}`, { ...membership, grantRole: members.value });
    }
  }
}
