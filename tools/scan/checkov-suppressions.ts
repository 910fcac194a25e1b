/**
 * Checkov findings this project accepts, each with the reason. `npm run scan` fails on any
 * finding not listed here, and warns about entries that no longer match anything.
 */
export interface Suppression {
  readonly check: string;
  readonly reason: string;
}

export const CHECKOV_SUPPRESSIONS: readonly Suppression[] = [
  {
    check: 'CKV_AWS_327',
    reason: 'Storage is always encrypted (AWS managed key by default); a customer-managed key is opt-in through `kmsKeyId` because it brings key policy and cost decisions only the platform team can make.',
  },
  {
    check: 'CKV_AWS_353',
    reason: 'Performance Insights is a tuning tool, not a control; it is unavailable on some small instance classes and costs extra on longer retention. Enable it per database outside this project.',
  },
  {
    check: 'CKV_AWS_118',
    reason: 'Enhanced Monitoring needs an extra IAM role per account and is OS-level metrics, not access control; the IAM auth error log and connection logs are exported instead.',
  },
  {
    check: 'CKV_AWS_157',
    reason: 'Multi-AZ is an availability and cost choice, opt-in through `multiAz` (Aurora spreads storage across zones regardless).',
  },
  {
    check: 'CKV_AWS_326',
    reason: 'Aurora backtracking is a recovery feature with its own cost, and cannot be added to an existing cluster later without a restore; automated backups (at least 7 days) are always on.',
  },
  {
    check: 'CKV2_AWS_8',
    reason: 'Automated RDS backups are on (at least 7 days, final snapshot on delete); AWS Backup plans are usually set organization-wide, not per database stack.',
  },
  {
    check: 'CKV2_AWS_5',
    reason: "A proxy's security group is attached to its aws_db_proxy (vpc_security_group_ids), an attachment this check does not recognise; every other security group here is attached where checkov sees it.",
  },
];
