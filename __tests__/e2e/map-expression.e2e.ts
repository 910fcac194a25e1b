/**
 * The people maps of the users and Identity Center stacks are one expression string each
 * (lib/terraform/literal.ts mapExpression). Terraform itself evaluates one here, strings that
 * need escaping included, and must hand back exactly the map it was written from.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mapExpression, readMapExpression } from '../../lib/terraform/literal';
import { terraform } from '../../tools/e2e/terraform';
import { loadContext } from '../../tools/e2e/workspace';

const context = loadContext();

test('Terraform reads a map expression as the map it was written from', async () => {
  const names = ['jane', 'li.wu@example.com', '${file("x")}', '%{ if true }', '$${x}', 'quote " back \\ slash', 'bell \b feed \f', 'é ü 日本'];
  const expression = mapExpression(names, (n) => n, (n) => ({ tier: `role of ${n}`, login: n.length % 2 === 0 }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'map-expression-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({
      locals: { people: expression },
      output: { people: { value: '${local.people}' }, keys: { value: '${keys(local.people)}' } },
    }));
    const env = { ...process.env, TF_DATA_DIR: path.join(dir, '.terraform') };
    const init = await terraform(context.terraform, ['init', '-input=false', '-no-color'], dir, env);
    expect(init.stderr).toBe('');
    const apply = await terraform(context.terraform, ['apply', '-auto-approve', '-input=false', '-no-color'], dir, env);
    expect(apply.stderr).toBe('');
    const output = await terraform(context.terraform, ['output', '-json'], dir, env);
    const read = JSON.parse(output.stdout) as Record<string, { value: unknown }>;
    expect(read.people.value).toEqual(readMapExpression(expression));
    expect(read.keys.value).toEqual([...names].sort());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
