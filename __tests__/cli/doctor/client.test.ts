import { checkClient, ClientRunner } from '../../../cli/doctor/client';
import type { ConnectTarget } from '../../../cli/connect/connect';
import { runLink } from '../../lib/doctor/helpers';

const PG: ConnectTarget = { database: 'orders', family: 'postgres', host: 'o.example', port: 5432, region: 'eu-west-1', dbname: 'orders', user: 'jane' };
const MY: ConnectTarget = { ...PG, database: 'billing', family: 'mysql', port: 3306, dbname: 'billing' };
const TOKEN = `o.example:5432/?Action=connect&DBUser=jane&${'X'.repeat(300)}`;
const MARIADB_HELP = '  --enable-cleartext-plugin \n  --ssl-ca=name       CA file\n  --ssl-verify-server-cert \n';
const ORACLE_HELP = '  --enable-cleartext-plugin \n  --ssl-ca=name       CA file\n  --ssl-mode=name     SSL connection mode.\n';

/** A runner answering `--version`, `--help` and the login as told, recording each command line and its environment. */
function runner(answers: { version?: string | null; help?: string; login?: { status: number; output: string } }, calls: { args: readonly string[]; env: NodeJS.ProcessEnv }[] = []): ClientRunner {
  return {
    run: async (command, args, env) => {
      calls.push({ args: [command, ...args], env });
      if (answers.version === null) return { missing: true };
      if (args[0] === '--version') return { status: 0, output: `${answers.version}\n` };
      if (args[0] === '--help') return { status: 0, output: answers.help ?? '' };
      return answers.login ?? { status: 0, output: 'jane\n' };
    },
  };
}

const client = (target: ConnectTarget, r: ClientRunner) =>
  runLink('client', (link) => checkClient(link, { target, caFile: '/ca.pem', env: { PATH: '/nowhere' }, runner: r, token: async () => TOKEN }));

describe('the client link', () => {
  test('holds for psql: installed, its conninfo, the token length, and a login as connect starts it, token in PGPASSWORD only', async () => {
    const calls: { args: readonly string[]; env: NodeJS.ProcessEnv }[] = [];
    const { checks, broken, notes } = await client(PG, runner({ version: 'psql (PostgreSQL) 16.4' }, calls));
    expect(broken).toBeUndefined();
    expect(checks.map((c) => `${c.name}: ${c.detail}`)).toEqual([
      'installed: psql: psql (PostgreSQL) 16.4',
      'flags: sslmode=verify-full and sslrootcert in the conninfo (libpq)',
      `token length: ${TOKEN.length} characters, passed whole in PGPASSWORD (no client limits it)`,
      'login: psql logged in as jane',
    ]);
    expect(notes).toEqual([expect.stringMatching(/never paste a token at a password prompt: psql's password prompt \(-W\) keeps 99 characters/)]);
    const login = calls[calls.length - 1];
    expect(login.args).toEqual(['psql', 'host=o.example port=5432 dbname=orders user=jane sslmode=verify-full sslrootcert=/ca.pem', '-X', '-A', '-t', '-c', 'SELECT session_user']);
    expect(login.env.PGPASSWORD).toBe(TOKEN);
    expect(login.args.join(' ')).not.toContain(TOKEN);
  });

  test.each([
    ["MariaDB's", 'mysql  Ver 15.1 Distrib 10.11.6-MariaDB', MARIADB_HELP, '--ssl-verify-server-cert'],
    ["Oracle's", 'mysql  Ver 8.0.39 for Linux on x86_64 (MySQL Community Server - GPL)', ORACLE_HELP, '--ssl-mode'],
  ])("holds for %s mysql with the flags connect gives it", async (_who, version, help, flag) => {
    const calls: { args: readonly string[]; env: NodeJS.ProcessEnv }[] = [];
    const { checks, broken } = await client(MY, runner({ version, help }, calls));
    expect(broken).toBeUndefined();
    expect(checks.find((c) => c.name === 'flags')?.detail).toContain(flag);
    expect(calls[calls.length - 1].env.MYSQL_PWD).toBe(TOKEN);
  });

  test('fails when the client is not on PATH, with how to install it', async () => {
    const { broken } = await client(PG, runner({ version: null }));
    expect(broken).toMatchObject({ check: 'installed', wrong: 'psql is not on PATH (/nowhere)', fix: expect.stringMatching(/apt-get install postgresql-client/) });
  });

  test('fails when the mysql client lacks a flag connect passes', async () => {
    const { broken } = await client(MY, runner({ version: 'mysql  Ver 14.14 Distrib 5.6.51', help: '  --ssl-ca=name\n  --enable-cleartext-plugin\n' }));
    expect(broken).toMatchObject({ check: 'flags', wrong: expect.stringMatching(/does not know --ssl-mode/) });
  });

  test("fails when the client's own login fails, with its message", async () => {
    const { broken } = await client(PG, runner({ version: 'psql (PostgreSQL) 16.4', login: { status: 2, output: 'psql: error: SSL error: certificate verify failed' } }));
    expect(broken).toMatchObject({ check: 'login', wrong: expect.stringMatching(/psql as connect starts it could not log in: psql: error: SSL error/), fix: expect.stringMatching(/TLS support/) });
  });
});
