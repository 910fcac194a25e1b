/**
 * `npm run sandbox`: local PostgreSQL and MariaDB that check IAM tokens as RDS does, with
 * this checkout's users stacks applied and an AWS profile per person and service. Run it again
 * after editing users.ts or services.ts to apply them; `npm run sandbox -- stop` ends it all.
 * Runs as an ordinary user (never root), in a folder only that user can reach.
 */
import { parseArgs } from 'util';
import { sandboxDir, startSandbox, stopSandbox } from './sandbox';

const USAGE = `Usage:
  npm run sandbox            start the sandbox, or apply users.ts and services.ts to the running one
  npm run sandbox -- stop    stop everything it started and remove its folder

Run it as yourself, not root. Its folder is $XDG_RUNTIME_DIR/rds-iam-sandbox/<id>, else
~/.cache/rds-iam-sandbox/<id> (mode 0700); RDS_IAM_SANDBOX_DIR names another.
`;

const ROOT = require('path').resolve(__dirname, '..', '..') as string;

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: [...argv], allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  const write = (line: string) => process.stdout.write(`sandbox: ${line}\n`);
  if (values.help || positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'stop')) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 1;
  }
  const dir = sandboxDir(process.env, ROOT);
  if (positionals[0] === 'stop') {
    write(stopSandbox(dir) ? `stopped; removed ${dir}` : 'no sandbox was running');
    return 0;
  }
  const outcome = await startSandbox(dir, ROOT, write);
  if ('skipped' in outcome) {
    write(`cannot start: ${outcome.skipped}`);
    return 1;
  }
  const { summary } = outcome;
  const lines = [
    `up in ${summary.dir}; token checks are logged to ${summary.dir}/checker.log`,
    '',
    'In each shell, first:',
    `  source ${summary.envFile}`,
    'Then connect as anyone in users.ts or services.ts:',
    ...summary.identities.flatMap((i) => i.databases.map((key) =>
      `  AWS_PROFILE=${i.profile} npm run connect -- ${key}${i.kind === 'service' ? ` --user ${i.name}` : ''}`)),
    '',
    `Each profile holds a session's temporary credentials: a person's until ${summary.identities.find((i) => i.kind === 'person')?.expiration ?? '-'}`,
    "(the permission set's session duration), a service's for an hour. npm run sandbox again issues new ones,",
    'and applies users.ts and services.ts after an edit; npm run sandbox -- stop ends it.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: Error) => {
    process.stderr.write(`sandbox: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
