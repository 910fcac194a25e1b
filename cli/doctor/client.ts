/**
 * The fifth link: the client `npm run connect` would start. It must be on PATH, take the TLS
 * and cleartext flags connect gives it (Oracle's and MariaDB's mysql differ), receive the
 * token whole, and log in: the exact command connect builds is run once, non-interactively.
 */
import { spawn } from 'child_process';
import type { Link } from '../../lib/doctor/chain';
import { limitsExceeded, TOKEN_CHANNEL } from '../../lib/doctor/token-limits';
import { ClientCommand, clientCommand, ConnectTarget, INSTALL_HINTS, mysqlFlavor } from '../connect/connect';

/** How the doctor runs a client: tests hand in their own. */
export interface ClientRunner {
  /** `<command> <args>` with `env`; `missing` when the command is not on env.PATH. */
  run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ readonly missing: true } | { readonly status: number; readonly output: string }>;
}

/** Runs clients on the PATH of `env`, each for at most 30 seconds. */
export const processRunner: ClientRunner = {
  run: (command, args, env, input) => new Promise((resolve) => {
    const child = spawn(command, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === 'ENOENT' ? { missing: true } : { status: 127, output: error.message });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status: status ?? 1, output });
    });
    child.stdin.end(input ?? '');
  }),
};

export interface ClientRequest {
  readonly target: ConnectTarget;
  readonly caFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly runner: ClientRunner;
  readonly token: () => Promise<string>;
}

/** The TLS and cleartext flags a command line uses, without their values: `--ssl-mode=VERIFY_IDENTITY` → `--ssl-mode`. */
function flagsOf(client: ClientCommand): string[] {
  return client.args.filter((a) => /^--(ssl|enable-cleartext)/.test(a)).map((a) => a.replace(/=.*$/, ''));
}

export async function checkClient(link: Link, request: ClientRequest): Promise<void> {
  const { target, env, runner } = request;
  const command = target.family === 'postgres' ? 'psql' : 'mysql';
  const version = await runner.run(command, ['--version'], env);
  if ('missing' in version) {
    return link.fail('installed', `${command} is not on PATH (${env.PATH ?? ''})`, `${INSTALL_HINTS[command]}, or put it on PATH`);
  }
  const line = version.output.trim().split('\n')[0] ?? '';
  const flavor = command === 'mysql' ? mysqlFlavor(line) : undefined;
  link.pass('installed', `${command}: ${line}${flavor ? ` (${flavor === 'mariadb' ? "MariaDB's client" : "Oracle's client"})` : ''}`);

  const token = await request.token();
  const client = clientCommand(target, token, request.caFile, flavor ?? 'mysql');
  if (command === 'mysql') {
    const help = await runner.run(command, ['--help'], env);
    const text = 'output' in help ? help.output : '';
    const lacking = flagsOf(client).filter((flag) => !new RegExp(`(^|\\s)${flag.replace(/[-]/g, '\\-')}(\\W|$)`, 'm').test(text));
    if (lacking.length > 0) {
      link.fail('flags', `this mysql does not know ${lacking.join(', ')}, which connect passes to verify TLS and send the token`,
        "install a current client: Oracle's MySQL 8 (--ssl-mode) or MariaDB's 10.x or later (--ssl-verify-server-cert)");
    }
    link.pass('flags', `knows ${flagsOf(client).join(' ')}`);
  } else {
    link.pass('flags', 'sslmode=verify-full and sslrootcert in the conninfo (libpq)');
  }

  const over = limitsExceeded(command, token.length);
  link.pass('token length', `${token.length} characters, passed whole in ${TOKEN_CHANNEL[command]} (no client limits it)`);
  if (over.length > 0) {
    link.note(`never paste a token at a password prompt: ${over.map((l) => `${l.where} keeps ${l.keeps} characters (${l.versions})`).join('; ')}`);
  }

  // The command connect would start, asked one question instead of opening a shell.
  const query = command === 'psql' ? ['-X', '-A', '-t', '-c', 'SELECT session_user'] : ['--batch', '--skip-column-names', '-e', 'SELECT CURRENT_USER()'];
  const ran = await runner.run(client.command, [...client.args, ...query], { ...env, ...client.env });
  if ('missing' in ran || ran.status !== 0) {
    const output = 'missing' in ran ? `${command} vanished from PATH` : ran.output.trim();
    link.fail('login', `${command} as connect starts it could not log in: ${output}`,
      /certificate|SSL|TLS/i.test(output)
        ? 'the client cannot verify the server: check its TLS support (a client built without OpenSSL?) and the CA file'
        : /unknown (option|variable)/i.test(output)
          ? "the client rejects a flag connect passes: install a current client (Oracle's MySQL 8, MariaDB 10.x, PostgreSQL 12 or later)"
          : 'the driver logged in, so this is the client: run npm run connect -- <database> --print and try that command by hand');
  }
  link.pass('login', `${command} logged in as ${ran.output.trim().split('\n').pop()}`);
}
