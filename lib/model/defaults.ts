/** Defaults for `DatabaseConfig`, in one place so docs, validation and constructs agree. */
export const DATABASE_DEFAULTS = {
  masterUsername: 'dbmaster',
  backupRetentionDays: 7,
  caCertIdentifier: 'rds-ca-rsa2048-g1',
  instanceClass: 'db.t4g.micro',
  auroraInstanceClass: 'db.t4g.medium',
  instanceCount: 1,
  allocatedStorage: 20,
  maxAllocatedStorage: 100,
} as const;

/** The port each engine family listens on, for security groups, providers and clients. */
/**
 * Where Identity Center takes the `username` attribute from by default (unescaped): the one
 * attribute it keeps unique that people cannot edit themselves.
 */
export const DEFAULT_ATTRIBUTE_SOURCE = '${path:userName}';

/**
 * PostgreSQL session options for every privileged connection (the audit's; the provider's through
 * PGOPTIONS): only the catalog and then temporary objects are searched, so no function or operator
 * a tier creates in a schema it may write (public, say) can stand in for a built-in the master calls
 * by name. Qualifying calls is not enough: an exact argument match wins from any schema on the path.
 * And no lock waits longer than 10 s: any session, even the read tier's, may hold the advisory lock
 * the provider takes on a role (pg_advisory_xact_lock after `SET statement_timeout = 0`) and would
 * otherwise hold every plan and removal of that database, and the pipeline, for as long as it liked.
 * The provider takes it once per resource that reads that role, one at a time (one connection):
 * a held lock fails a plan after about 10 s for each (iam_admin: five, under a minute).
 */
export const PRIVILEGED_PG_OPTIONS = '-c search_path=pg_catalog,pg_temp -c lock_timeout=10s';

/**
 * How the pipeline runs Terraform on the users stacks (and `npm run bench` measures it):
 * `-parallelism` high enough that reads queue on the PostgreSQL provider's one connection, which
 * it then hands from read to read instead of logging in anew (stacks/users-stack.ts), and Go's
 * garbage collector at a quarter of its default pace (`GOGC`): a quarter less Terraform CPU for
 * about twice the memory (some 800 MB at 1,000 people). The AWS stacks keep Terraform's default
 * parallelism: their APIs throttle.
 */
export const USERS_STACK_TERRAFORM = { parallelism: 300, gogc: '400' } as const;

export const ENGINE_PORTS = { postgres: 5432, mysql: 3306 } as const;

/** Certificate authorities RDS offers today; `rds-ca-2019` expired in 2024. */
export const RDS_CA_IDENTIFIERS: readonly string[] = ['rds-ca-rsa2048-g1', 'rds-ca-rsa4096-g1', 'rds-ca-ecc384-g1'];
