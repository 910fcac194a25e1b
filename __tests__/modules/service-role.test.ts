import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Testing } from 'cdktf';
import { ServiceRole, ServiceRoleProps, trustPolicy } from '../../modules/service-role';
import '../fixtures/cdktf-matchers';

const ARNS = ['arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-A/reports-api', 'arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-B/reports-api'];
const synth = (props: Partial<ServiceRoleProps>) => Testing.synthScope((scope) => {
  new ServiceRole(scope, 'service', { name: 'reports-api', role: { trust: 'ecs-tasks' }, connectArns: ARNS, partition: 'aws', account: '123456789012', namePrefix: 'rds-iam-', ...props });
});
const resourceOf = (json: string, type: string): any => Object.values(JSON.parse(json).resource[type])[0];

describe('ServiceRole', () => {
  test('the policy allows rds-db:connect only as the service itself, on exactly its databases', () => {
    const json = synth({});
    const policy = JSON.parse(resourceOf(json, 'aws_iam_policy').policy);
    expect(policy.Statement).toEqual([{ Sid: 'ConnectAsOwnDatabaseUser', Effect: 'Allow', Action: 'rds-db:connect', Resource: ARNS }]);
    expect(json).toHaveResourceWithProperties(IamPolicy, { name: 'rds-iam-reports-api-connect' });
  });

  test('a created ECS task role is trusted by ECS tasks of this account only, and gets the policy', () => {
    const json = synth({});
    const role = resourceOf(json, 'aws_iam_role');
    expect(role.name).toBe('rds-iam-reports-api');
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:*:123456789012:*' } },
    }]);
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: expect.stringMatching(/^\$\{aws_iam_role\..*\.name\}$/), policy_arn: expect.stringMatching(/^\$\{aws_iam_policy\..*\.arn\}$/) });
    expect(json).not.toHaveResource(IamInstanceProfile);
  });

  test('an EC2 role comes with its instance profile', () => {
    const json = synth({ role: { trust: 'ec2' } });
    expect(json).toHaveResourceWithProperties(IamInstanceProfile, { name: 'rds-iam-reports-api', role: expect.stringMatching(/aws_iam_role\..*\.name/) });
    expect(JSON.parse(resourceOf(json, 'aws_iam_role').assume_role_policy).Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
  });

  test('an existing role is only given the attachment, by its name (the path left out)', () => {
    const json = synth({ role: { arn: 'arn:aws:iam::123456789012:role/data/etl' } });
    expect(json).not.toHaveResource(IamRole);
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: 'etl' });
  });

  test.each([
    ['lambda', 'lambda.amazonaws.com', 'sts:AssumeRole', undefined],
    ['eks-pod-identity', 'pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession'], { StringEquals: { 'aws:SourceAccount': '123456789012' } }],
  ] as const)('a %s role is trusted by %s', (trust, service, action, condition) => {
    const [statement] = (trustPolicy(trust, 'aws', '123456789012') as any).Statement;
    expect(statement).toEqual({ Effect: 'Allow', Principal: { Service: service }, Action: action, ...(condition ? { Condition: condition } : {}) });
  });
});
