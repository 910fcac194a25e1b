/**
 * `npm run connect -- <database> [options]`: start psql or mysql as yourself with a
 * fresh IAM token. `npm run -s connect -- token <database>` prints only the token.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import { parseArgs } from 'util';
import * as path from 'path';
import type { AppConfig } from '../../lib/model/types';
import { readConfigFile } from '../../lib/validation/data-file';
import { rdsCaBundleFile } from '../../lib/tls/rds-ca-bundle';
import { parsePort } from '../../lib/validation/host';
import { runCommand, Write } from '../shared/command';
import { readOutputs } from '../shared/outputs';
import {
  CA_BUNDLE_HELP, clientCommand, INSTALL_HINTS, ConnectError, currentSsoUsername, databaseConfig, generateToken, MysqlClientFlavor, mysqlFlavor, printable,
  resolveTarget,
} from './connect';

const USAGE = `Usage:
  npm run connect -- <database> [--user NAME] [--profile P] [--print]
  npm run -s connect -- token <database> [--user NAME] [--profile P]
  npm run -s connect -- ca       path of the RDS CA bundle, for GUI clients

Options:
  --user NAME      your Identity Center user name (default: RDS_IAM_USER, else the
                   session name of your SSO credentials, asked of STS)
  --profile P      AWS profile to sign with, e.g. your SSO profile (default: AWS_PROFILE)
  --outputs FILE   outputs of \`npm run deploy\` (default: RDS_IAM_OUTPUTS, else
                   cdktf-outputs.json)
  --host H         RDS endpoint, instead of the outputs file
  --port N         engine port (default: from outputs, else 5432/3306)
  --dbname NAME    database to open (default: the configured one)
  --reader         Aurora: use the reader endpoint (from the outputs file)
  --proxy          through the database's RDS Proxy (end-to-end IAM; from the outputs file)
  --replica N      read replica N (1, 2, …) of an RDS instance (from the outputs file)
  --via IP:PORT    connect through a tunnel (SSM port-forward); the token stays for the endpoint
                   and psql still verifies its name (Oracle's mysql verifies the CA only;
                   MariaDB's mysql cannot verify through a tunnel and is refused)
  --ca PATH        CA bundle to verify the server with (default: RDS_IAM_CA_BUNDLE, else
                   the RDS CA bundle shipped with this project)
  --print          print the client command (token redacted) instead of running it
`;

/** `env` also gives the PATH the clients are looked up on. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, write: Write): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      user: { type: 'string' }, profile: { type: 'string' }, outputs: { type: 'string' }, host: { type: 'string' },
      port: { type: 'string' }, dbname: { type: 'string' }, via: { type: 'string' }, ca: { type: 'string' },
      print: { type: 'boolean' }, reader: { type: 'boolean' }, proxy: { type: 'boolean' }, replica: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals[0] === 'ca' && positionals.length === 1) {
    write(`${rdsCaBundleFile()}\n`);
    return 0;
  }
  const tokenOnly = positionals[0] === 'token';
  const database = tokenOnly ? positionals[1] : positionals[0];
  if (values.help || !database) {
    write(USAGE);
    return values.help ? 0 : 1;
  }
  const port = values.port === undefined ? undefined : parsePort(values.port);
  if (values.port !== undefined && port === undefined) throw new ConnectError(`--port ${JSON.stringify(values.port)} is not a port number (1-65535)`);

  const replica = values.replica === undefined ? undefined : Number(values.replica);
  if (replica !== undefined && !/^[1-9]\d*$/.test(values.replica ?? '')) throw new ConnectError(`--replica ${JSON.stringify(values.replica)} is not a replica number (1, 2, …)`);

  // Read as data, never run (lib/validation/data-file.ts).
  const fleet = readConfigFile(path.resolve(__dirname, '..', '..')) as AppConfig;
  const region = fleet.environments[databaseConfig(fleet, database).environment].region;
  const user = values.user ?? env.RDS_IAM_USER ?? (await currentSsoUsername(region, values.profile));
  const target = resolveTarget(
    { database, user, host: values.host, port, dbname: values.dbname, via: values.via, reader: values.reader, proxy: values.proxy, replica },
    fleet,
    readOutputs(values.outputs ?? (env.RDS_IAM_OUTPUTS || undefined), (message) => new ConnectError(message)),
  );
  const token = await generateToken(target, { profile: values.profile });
  if (tokenOnly) {
    write(`${token}\n`);
    return 0;
  }

  const chosen = values.ca ?? (env.RDS_IAM_CA_BUNDLE || undefined);
  if (chosen !== undefined && !fs.existsSync(chosen)) throw new ConnectError(`RDS CA bundle not found at ${chosen}.\n${CA_BUNDLE_HELP}`);
  const client = clientCommand(target, token, chosen ?? rdsCaBundleFile(), target.family === 'mysql' ? installedMysqlFlavor(env) : 'mysql');
  if (values.print) {
    write(`${printable(client)}\n`);
    return 0;
  }
  const status = await run(client.command, client.args, { ...env, ...client.env });
  // The client has said what the server refused; doctor says which link broke.
  if (status !== 0) process.stderr.write(`connect: ${client.command} exited with ${status}. If the login failed, run npm run doctor -- ${database}${values.user ? ` --user ${values.user}` : ''}${values.profile ? ` --profile ${values.profile}` : ''}: it checks each link a login needs and names the broken one.\n`);
  return status;
}

/** Asks the `mysql` on PATH what it is; a missing one is reported when it is started. */
function installedMysqlFlavor(env: NodeJS.ProcessEnv): MysqlClientFlavor {
  const version = spawnSync('mysql', ['--version'], { encoding: 'utf8', env });
  return mysqlFlavor(`${version.stdout ?? ''}`);
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new ConnectError(`${command} not found on PATH: ${INSTALL_HINTS[command]}.`) : error);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (require.main === module) runCommand('connect', main);
