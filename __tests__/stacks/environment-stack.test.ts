import { Testing } from 'cdktf';
import { EnvironmentStack } from '../../stacks/environment-stack';

const synth = (environment: ConstructorParameters<typeof EnvironmentStack>[2]['environment']) => {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new EnvironmentStack(app, 'env', { environmentKey: 'production', environment })));
};

describe('EnvironmentStack', () => {
  test('pins the account and tags every resource', () => {
    const json = synth({ account: '123456789012', region: 'eu-west-1', tags: { Team: 'platform' } });
    expect(json.provider.aws[0]).toMatchObject({
      allowed_account_ids: ['123456789012'],
      default_tags: [{ tags: { ManagedBy: 'rds-iam-access', Environment: 'production', Team: 'platform' } }],
    });
  });

  test('tags and state settings reach Terraform escaped even past validation', () => {
    const evil = '${file("secret.txt")}';
    const json = synth({
      account: '123456789012',
      region: 'eu-west-1',
      tags: { [evil]: evil },
      backend: { type: 's3', bucket: 'state', keyPrefix: evil, kmsKeyId: evil },
    });
    expect(json.provider.aws[0].default_tags[0].tags['$${file("secret.txt")}']).toBe('$${file("secret.txt")}');
    expect(json.terraform.backend.s3).toMatchObject({ key: '$${file("secret.txt")}/env.tfstate', kms_key_id: '$${file("secret.txt")}' });
  });
});
