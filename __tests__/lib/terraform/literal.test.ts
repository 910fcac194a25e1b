import { terraformLiteral, terraformLiteralMap } from '../../../lib/terraform/literal';

describe('terraformLiteral', () => {
  test('escapes every interpolation and directive start and nothing else', () => {
    expect(terraformLiteral('${path:userName}')).toBe('$${path:userName}');
    expect(terraformLiteral('a ${x} b ${y} $ {z} % {w}')).toBe('a $${x} b $${y} $ {z} % {w}');
    expect(terraformLiteral('%{ if true }x%{ endif }')).toBe('%%{ if true }x%%{ endif }');
  });

  test('an already escaped opener stays literal too', () => {
    // Terraform reads `$$${` as `$` followed by the escape `$${`: the value keeps its two dollars.
    expect(terraformLiteral('$${x}')).toBe('$$${x}');
  });

  test('escapes keys and values of a map', () => {
    expect(terraformLiteralMap({ '${k}': '${file("secret.txt")}' })).toEqual({ '$${k}': '$${file("secret.txt")}' });
  });
});
