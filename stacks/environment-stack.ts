import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsTarget } from '../lib/model/types';
import { terraformLiteral, terraformLiteralMap } from '../lib/terraform/literal';

export interface EnvironmentStackProps {
  /** Key of the environment in config.ts (or `identity-center`), tagged on every resource. */
  readonly environmentKey: string;
  readonly environment: AwsTarget;
  /**
   * Whether the stack declares the AWS provider. A stack with no AWS resource leaves it out,
   * so nobody installs (and every plan does not start) a provider it never uses.
   * @default true
   */
  readonly awsProvider?: boolean;
}

/**
 * A stack bound to one AWS account and region: its state backend and (unless it has no AWS
 * resource) an AWS provider that refuses to touch any other account.
 */
export class EnvironmentStack extends TerraformStack {
  readonly environment: AwsTarget;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const env = props.environment;
    this.environment = env;
    // Ephemeral resources (the master secret) and S3-native locking need Terraform 1.10.
    this.addOverride('terraform.required_version', '>= 1.10');
    const backend = env.backend ?? { type: 'local' };
    if (backend.type === 's3') {
      new S3Backend(this, {
        bucket: backend.bucket,
        key: terraformLiteral(`${backend.keyPrefix ?? 'rds-iam-access'}/${id}.tfstate`),
        region: backend.region ?? env.region,
        encrypt: true,
        kmsKeyId: terraformLiteral(backend.kmsKeyId),
      });
      // S3-native locking (Terraform ≥ 1.10); cdktf 0.21 has no typed field for it.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Relative to cdktf.out/stacks/<id>, where Terraform runs: state lands in the project
      // root, and the synthesized JSON holds no machine-specific absolute path.
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    }
    if (props.awsProvider === false) return;
    new AwsProvider(this, 'aws', {
      region: env.region,
      allowedAccountIds: [env.account],
      assumeRole: env.assumeRoleArn ? [{ roleArn: env.assumeRoleArn, sessionName: 'rds-iam-access' }] : undefined,
      defaultTags: [{ tags: { ManagedBy: 'rds-iam-access', Environment: props.environmentKey, ...terraformLiteralMap(env.tags ?? {}) } }],
    });
  }
}
