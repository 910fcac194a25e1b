import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { fleet, people, services } from '../fixtures/fleet';
import { forEachMaps, resourcesOfType, synthApp } from '../fixtures/synth';
import '../fixtures/cdktf-matchers';

describe('ServicesStack', () => {
  const stacks = () => synthApp({ config: fleet, users: people, services });

  test('one stack per account with services, in its first environment', () => {
    expect(Object.keys(stacks()).filter((id) => id.startsWith('services-')).sort()).toEqual(['services-production', 'services-staging']);
  });

  test("each connect policy names the service's own user on exactly its databases", () => {
    const [policy] = Object.values(resourcesOfType(stacks()['services-production'], 'aws_iam_policy'));
    const resources = JSON.parse(policy.policy as string).Statement[0].Resource as string[];
    expect(resources).toEqual([
      expect.stringMatching(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{.*database-my.*resource_id\}\/reports-api$/),
      expect.stringMatching(/^arn:aws:rds-db:eu-west-1:123456789012:dbuser:\$\{.*database-pg.*resource_id\}\/reports-api$/),
    ]);
    expect(stacks()['services-staging']).toHaveResourceWithProperties(IamPolicy, { name: 'rds-iam-etl-connect' });
  });

  test('a created role for the ECS service, none for the existing role, and each role named in the outputs', () => {
    expect(stacks()['services-production']).toHaveResourceWithProperties(IamRole, { name: 'rds-iam-reports-api' });
    expect(stacks()['services-staging']).not.toHaveResource(IamRole);
    expect(JSON.parse(stacks()['services-staging']).output.roles.value).toEqual({ etl: 'etl' });
  });

  test('the users stacks give services database users like people, in name order', () => {
    // dave's entry expired: his role stays, locked, after those with access.
    expect(Object.keys(forEachMaps(stacks()['users-pg'], 'postgresql_role')[0] as object)).toEqual(['alice', 'bob', 'reports-api', 'dave']);
    expect(forEachMaps(stacks()['users-amy'], 'mysql_user')[0]).toHaveProperty('etl');
  });

  test('without services.ts entries there is no services stack', () => {
    expect(Object.keys(synthApp()).some((id) => id.startsWith('services-'))).toBe(false);
  });

  test.each(['services-production', 'services-staging'])('%s matches its snapshot', (id) => {
    expect(stacks()[id]).toMatchSnapshot();
  });
});
