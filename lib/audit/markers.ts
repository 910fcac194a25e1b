/**
 * What the users stack leaves on PostgreSQL roles for the audit to read: shared by the
 * construct that sets them and the audit that checks them.
 */

/**
 * The powerless owner, one per database: NOLOGIN, in no role, no privileges of its own.
 * `npm run audit -- --drop-departed` gives it what a leaver owned, so a leaver's SECURITY
 * DEFINER function runs as nobody with rights, never as the master or a tier.
 */
export const DEPARTED_ROLE = 'iam_departed';

/**
 * VALID UNTIL of every role the users stack creates. A password, even one a person sets on
 * themselves (any role may), is refused from the start; IAM logins (PAM on RDS) never read it.
 * Only CREATEROLE may change it, so it is also the mark the audit knows the project's roles by
 * after someone resets their `role=` setting. '-infinity' reads back the same in every time zone.
 */
export const PASSWORD_NEVER_VALID = '-infinity';

/**
 * LOGIN roles RDS makes for itself (superusers are RDS's too: no one else can make one there).
 * Never findings.
 */
export const RDS_OWN_LOGINS: readonly string[] = ['rdsadmin', 'rdsrepladmin', 'rdstopmgr', 'rdsproxyadmin', 'rds_password', 'rdsrepladmin_priv'];
