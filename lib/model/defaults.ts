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

export const ENGINE_PORTS = { postgres: 5432, mysql: 3306 } as const;

/** Certificate authorities RDS offers today; `rds-ca-2019` expired in 2024. */
export const RDS_CA_IDENTIFIERS: readonly string[] = ['rds-ca-rsa2048-g1', 'rds-ca-rsa4096-g1', 'rds-ca-ecc384-g1'];
