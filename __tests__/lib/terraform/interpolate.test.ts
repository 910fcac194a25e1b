import { entryPointIds, interpolate, withResourceIds } from '../../../lib/terraform/interpolate';

describe('interpolate', () => {
  test('replaces each reference once and unescapes $${ to a literal ${, as Terraform does', () => {
    const resolved = interpolate('arn:${data.x.id}/$${aws:PrincipalTag/username}', (reference) => `<${reference}>`);
    expect(resolved).toBe('arn:<data.x.id>/${aws:PrincipalTag/username}');
  });

  test('leaves text without references alone', () => {
    expect(interpolate('plain $ text', () => 'never')).toBe('plain $ text');
  });
});

describe('withResourceIds', () => {
  const ref = (key: string) => `\${data.terraform_remote_state.cross-stack-reference-input-database-${key}.outputs.cross-stack-output-aws_db_instancedatabase_instance_D7FC2283resource_id}`;

  test("replaces each database stack's output reference by that database's resource id", () => {
    expect(withResourceIds(`dbuser:${ref('orders')}/$\${aws:PrincipalTag/username}`, { orders: 'db-ORDERS' })).toBe('dbuser:db-ORDERS/${aws:PrincipalTag/username}');
  });

  test('fails when a reference is to another stack or a database without an id', () => {
    expect(() => withResourceIds(ref('billing'), { orders: 'db-ORDERS' })).toThrow(/unexpected reference in the policy: data.terraform_remote_state.cross-stack-reference-input-database-billing/);
    expect(() => withResourceIds('${aws_iam_role.x.arn}', { orders: 'db-ORDERS' })).toThrow(/unexpected reference in the policy: aws_iam_role.x.arn/);
  });
});

describe('entryPointIds', () => {
  test('names the database, its proxy and each replica, as withResourceIds looks them up', () => {
    expect(entryPointIds('pg', {})).toEqual(['pg']);
    expect(entryPointIds('pg', { proxy: {}, replicas: { count: 2 } })).toEqual(['pg', 'pg/proxy', 'pg/replica-1', 'pg/replica-2']);
  });
});
