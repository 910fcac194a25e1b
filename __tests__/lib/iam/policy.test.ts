import { connectPolicy, IAM_USERNAME_VARIABLE, principalTagVariable } from '../../../lib/iam/policy';

describe('IAM strings in Terraform JSON', () => {
  test('the username variable is escaped once for Terraform', () => {
    expect(IAM_USERNAME_VARIABLE).toBe('$${aws:PrincipalTag/username}');
    expect(principalTagVariable('username')).toBe(IAM_USERNAME_VARIABLE);
    expect(principalTagVariable('dbuser')).toBe('$${aws:PrincipalTag/dbuser}');
  });

  test('the connect policy keeps the escape and lists only connect, unless describe is asked for', () => {
    const arn = 'arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABC/' + IAM_USERNAME_VARIABLE;
    expect(connectPolicy({ connectArns: [arn] })).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"ConnectAsOwnDatabaseUser","Effect":"Allow","Action":"rds-db:connect",' +
        '"Resource":["arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABC/$${aws:PrincipalTag/username}"]}]}',
    );
    const withDescribe = JSON.parse(connectPolicy({ connectArns: [arn], allowDescribe: true }));
    expect(withDescribe.Statement[1]).toEqual({
      Sid: 'DiscoverEndpoints',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusters', 'rds:DescribeDBInstances'],
      Resource: '*',
    });
  });
});
