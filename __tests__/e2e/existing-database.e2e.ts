/**
 * An existing database is only looked up; its checks are Terraform postconditions that fail
 * the plan. Terraform itself evaluates them here (`terraform test` with the AWS provider
 * mocked: no AWS call), on the database stacks exactly as synthesized, against what RDS could
 * report: IAM authentication off, another engine, another master user, no managed secret.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { terraform } from '../../tools/e2e/terraform';
import { loadContext } from '../../tools/e2e/workspace';
import { existingFleet, existingPeople } from '../fixtures/fleet';
import { synthApp } from '../fixtures/synth';

const context = loadContext();

interface RunOutcome {
  readonly status: string;
  /** The error details Terraform reported, in its order. */
  readonly errors: readonly string[];
}

/** A database stack's lookup: what RDS reports, written as `override_data` values. */
type Reported = Record<string, unknown>;

/**
 * `terraform test` on one synthesized database stack, one run per case: each case overrides
 * the lookups with what RDS would report. Returns each run's status and error details.
 */
async function planAgainst(stackJson: string, cases: Readonly<Record<string, Readonly<Record<string, Reported>>>>): Promise<Record<string, RunOutcome>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'existing-database-'));
  try {
    const stack = JSON.parse(stackJson);
    // State stays in the scratch folder; any AWS provider version has these data sources.
    delete stack.terraform.backend;
    stack.terraform.required_providers = { aws: { source: 'hashicorp/aws' } };
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(stack));
    const lookups = Object.entries(stack.data as Record<string, Record<string, unknown>>)
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => ({ type, address: `data.${type}.${name}` })));
    // A failed run skips the runs after it in its file, so each case has a file of its own.
    fs.mkdirSync(path.join(dir, 'tests'));
    for (const [name, reported] of Object.entries(cases)) {
      const overrides = lookups.filter(({ type }) => reported[type]).map(({ type, address }) =>
        `  override_data {\n    target = ${address}\n    values = ${JSON.stringify(reported[type]).replace(/"(\w+)":/g, '$1 = ')}\n  }`);
      fs.writeFileSync(path.join(dir, 'tests', `${name}.tftest.hcl`), `mock_provider "aws" {}\n\nrun "plan" {\n  command = plan\n${overrides.join('\n')}\n}\n`);
    }
    const env = { ...process.env, TF_DATA_DIR: path.join(dir, '.terraform'), TF_PLUGIN_CACHE_DIR: context.pluginCache };
    const init = await terraform(context.terraform, ['init', '-input=false', '-no-color', '-backend=false'], dir, env);
    expect(init.stderr).toBe('');
    const test = await terraform(context.terraform, ['test', '-json', '-no-color'], dir, env);
    const outcomes: Record<string, { status: string; errors: string[] }> = {};
    for (const line of test.stdout.split('\n').filter(Boolean)) {
      const message = JSON.parse(line);
      const run = message['@testrun'] ? path.basename(message['@testfile'] as string, '.tftest.hcl') : undefined;
      if (!run) continue;
      outcomes[run] ??= { status: 'unknown', errors: [] };
      if (message.type === 'test_run' && message.test_run.status) outcomes[run].status = message.test_run.status;
      if (message.type === 'diagnostic' && message.diagnostic.severity === 'error') outcomes[run].errors.push(message.diagnostic.detail);
    }
    return outcomes;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const SECRET = [{ secret_arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1', kms_key_id: 'k', secret_status: 'active' }];
const instance = (changes: Reported = {}): Reported => ({
  engine: 'postgres', master_username: 'postgres', master_user_secret: SECRET, resource_id: 'db-ABCDEFGHIJKL', address: 'legacy-db.x.eu-west-1.rds.amazonaws.com', port: 5432, ...changes,
});
const iamAuth = (enabled: boolean): Reported => ({ properties: JSON.stringify({ EnableIAMDatabaseAuthentication: enabled, DbiResourceId: 'db-ABCDEFGHIJKL' }) });
const cluster = (changes: Reported = {}): Reported => ({
  engine: 'aurora-mysql', master_username: 'admin', master_user_secret: [], iam_database_authentication_enabled: true, cluster_resource_id: 'cluster-ABCDEFGHIJKL',
  endpoint: 'ledger-cluster.cluster-x.us-east-1.rds.amazonaws.com', reader_endpoint: 'ledger-cluster.cluster-ro-x.us-east-1.rds.amazonaws.com', port: 3306, ...changes,
});

const missing = context.awsProviderMissing;
if (missing) process.stdout.write(`e2e: existing-database plan checks skipped: ${missing}\n`);

(missing ? describe.skip : describe)('existing databases: the plan checks what RDS reports', () => {
  const stacks = synthApp({ config: existingFleet, users: existingPeople });

  test('an instance plans when it is what config.ts says, and fails with the fix for each difference', async () => {
    const outcomes = await planAgainst(stacks['database-legacy'], {
      as_declared: { aws_db_instance: instance(), aws_cloudcontrolapi_resource: iamAuth(true) },
      iam_off: { aws_db_instance: instance(), aws_cloudcontrolapi_resource: iamAuth(false) },
      other_engine: { aws_db_instance: instance({ engine: 'sqlserver-ex' }), aws_cloudcontrolapi_resource: iamAuth(true) },
      other_master: { aws_db_instance: instance({ master_username: 'root' }), aws_cloudcontrolapi_resource: iamAuth(true) },
      no_secret: { aws_db_instance: instance({ master_user_secret: [] }), aws_cloudcontrolapi_resource: iamAuth(true) },
    });
    expect(outcomes.as_declared).toEqual({ status: 'pass', errors: [] });
    expect(outcomes.iam_off).toEqual({
      status: 'error',
      errors: [
        'IAM database authentication is off on RDS instance legacy-db, so no IAM user can log in to it. Turn it on ' +
          '(aws rds modify-db-instance --db-instance-identifier legacy-db --enable-iam-database-authentication --apply-immediately) and plan again.',
      ],
    });
    expect(outcomes.other_engine.status).toBe('error');
    expect(outcomes.other_engine.errors).toEqual([expect.stringMatching(/^RDS instance legacy-db runs engine sqlserver-ex, but config\.ts declares postgres\. .*other engines cannot be managed here\.$/)]);
    expect(outcomes.other_master.errors).toEqual(['The master user of RDS instance legacy-db is root, but config.ts declares postgres. Correct masterUsername in config.ts.']);
    expect(outcomes.no_secret.errors).toEqual([expect.stringMatching(/^RDS does not keep the master password of RDS instance legacy-db in Secrets Manager.*set connection\.login to iam or password/)]);
  });

  test('a cluster reached over IAM plans without a managed secret, and fails when IAM auth is off or the engine differs', async () => {
    const outcomes = await planAgainst(stacks['database-ledger'], {
      as_declared: { aws_rds_cluster: cluster() },
      iam_off: { aws_rds_cluster: cluster({ iam_database_authentication_enabled: false }) },
      other_engine: { aws_rds_cluster: cluster({ engine: 'aurora-postgresql' }) },
    });
    expect(outcomes.as_declared).toEqual({ status: 'pass', errors: [] });
    expect(outcomes.iam_off.errors).toEqual([expect.stringMatching(/^IAM database authentication is off on Aurora cluster ledger-cluster.*modify-db-cluster --db-cluster-identifier ledger-cluster/)]);
    expect(outcomes.other_engine.errors).toEqual([expect.stringMatching(/^Aurora cluster ledger-cluster runs engine aurora-postgresql, but config\.ts declares aurora-mysql\./)]);
  });
});
