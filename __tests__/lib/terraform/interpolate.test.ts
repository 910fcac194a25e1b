import { interpolate } from '../../../lib/terraform/interpolate';

describe('interpolate', () => {
  test('replaces each reference once and unescapes $${ to a literal ${, as Terraform does', () => {
    const resolved = interpolate('arn:${data.x.id}/$${aws:PrincipalTag/username}', (reference) => `<${reference}>`);
    expect(resolved).toBe('arn:<data.x.id>/${aws:PrincipalTag/username}');
  });

  test('leaves text without references alone', () => {
    expect(interpolate('plain $ text', () => 'never')).toBe('plain $ text');
  });
});
