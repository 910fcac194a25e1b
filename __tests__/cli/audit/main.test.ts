import * as path from 'path';
import { main } from '../../../cli/audit/main';
import { runScript } from '../../fixtures/project';

const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  let out = '';
  const code = await main(argv, { RDS_IAM_NOW: '2026-06-15T00:00:00Z', ...env }, (text) => (out += text));
  return { code, out };
};

describe('npm run audit', () => {
  test('as a process: exit 2 and the reason when a database is not in config.ts', () => {
    const result = runScript(path.join(__dirname, '..', '..', '..'), 'cli/audit/main.ts', ['ordrs']);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('audit: unknown database "ordrs"; config.ts has billing, orders, sandbox\n');
    expect(result.status).toBe(2);
  });

  test('exit 2 with the fix when no endpoint is known, without touching the network', async () => {
    // Outputs of a deploy that made nothing yet, so a cdktf-outputs.json lying around does not matter.
    const { code, out } = await run(['orders', '--outputs', path.join(__dirname, '..', '..', 'fixtures', 'no-outputs.json')]);
    expect(code).toBe(2);
    expect(out).toBe('orders: cannot connect: no endpoint known: set RDS_IAM_ORDERS_HOST (and _PORT, _SSLMODE) or pass --outputs <cdktf-outputs.json written by npm run deploy>\n');
  });

  test('exit 2 when the password login has no password, as JSON', async () => {
    const { code, out } = await run(['billing', '--json'], {
      RDS_IAM_BILLING_HOST: '127.0.0.1', RDS_IAM_BILLING_LOGIN: 'password', RDS_IAM_BILLING_SSLMODE: 'require',
    });
    expect(code).toBe(2);
    expect(JSON.parse(out)).toEqual({ exitCode: 2, databases: { billing: { status: 'unreachable', error: 'login is password but MYSQL_PASSWORD is not set' } } });
  });

  test('fails when a database is not in config.ts, naming the ones that are', async () => {
    await expect(run(['ordrs'])).rejects.toThrow(/unknown database "ordrs"; config.ts has billing, orders, sandbox/);
  });

  test('fails when an outputs file named does not exist', async () => {
    await expect(run(['orders', '--outputs', 'nowhere.json'])).rejects.toThrow(/Outputs file nowhere.json does not exist/);
  });
});
