import { mapExpression, readMapExpression, terraformLiteral, terraformLiteralMap } from '../../../lib/terraform/literal';

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

describe('mapExpression', () => {
  const people = [{ name: 'jane', tier: 'iam_read' }, { name: 'li.wu@example.com', tier: 'iam_admin' }];

  test('writes the map as one zipmap of two JSON lists', () => {
    expect(mapExpression(people, (p) => p.name, (p) => p.tier)).toBe('${zipmap(["jane","li.wu@example.com"],["iam_read","iam_admin"])}');
    expect(mapExpression([], String, String)).toBe('${zipmap([],[])}');
  });

  test('reads back what it wrote, flat attributes included', () => {
    const text = mapExpression(people, (p) => p.name, (p) => ({ tier: p.tier, login: p.name === 'jane' }));
    expect(readMapExpression(text)).toEqual({ jane: { tier: 'iam_read', login: true }, 'li.wu@example.com': { tier: 'iam_admin', login: false } });
  });

  test('escapes what Terraform would interpolate or cannot read, and reads it back verbatim', () => {
    const nasty = ['${file("secret.txt")}', '%{ if x }', '$${x}', 'quote " back \\ slash', 'bell \b feed \f tab \t', '__proto__'];
    const text = mapExpression(nasty, (s) => s, (s) => s);
    expect(text).toContain('"$${file(\\"secret.txt\\")}"');
    expect(text).toContain('"%%{ if x }"');
    expect(text).toContain('\\u0008');
    expect(text).toContain('\\u000c');
    expect(text).not.toMatch(/\\[bf]/);
    const map = readMapExpression(text)!;
    expect(Object.keys(map)).toEqual(nasty);
    expect(Object.values(map)).toEqual(nasty);
  });

  test('anything it did not write reads as no map', () => {
    for (const text of [
      '${zipmap(["a"],["x"]) }',
      '${zipmap(["a","a"],["x","y"])}',
      '${zipmap(["a"],["x","y"])}',
      '${zipmap(["a"],[1])}',
      '${zipmap(["a"], ["x"])}',
      '${zipmap(["\\/"],["x"])}',
      '${merge(zipmap(["a"],["x"]),{b="y"})}',
      '${{"a":"x"}}',
      '${local.people}',
    ]) {
      expect(readMapExpression(text)).toBeUndefined();
    }
  });
});
