import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as connect } from '../../../cli/connect/main';
import { DoctorDeps, main } from '../../../cli/doctor/main';
import { CommandError } from '../../../cli/shared/command';
import type { DoctorReport } from '../../../lib/doctor/chain';
import type { DatabaseProbes } from '../../../lib/doctor/database';
import { simulateConnect } from '../../../lib/iam/simulate';
import type { StackJson } from '../../../lib/terraform/synthesized';
import { FLEET_RESOURCE_IDS, fleet, NOW, people, services } from '../../fixtures/fleet';
import { runScript } from '../../fixtures/project';
import { synthApp } from '../../fixtures/synth';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** A checkout of the test fleet: its data files written as data, and the outputs of a deploy. */
const project = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
fs.writeFileSync(path.join(project, 'config.ts'), `export const config = ${JSON.stringify(fleet)};\n`);
fs.writeFileSync(path.join(project, 'users.ts'), `export const users = ${JSON.stringify(people)};\n`);
fs.writeFileSync(path.join(project, 'services.ts'), `export const services = ${JSON.stringify(services)};\n`);
const outputs = path.join(project, 'outputs.json');
fs.writeFileSync(outputs, JSON.stringify({ 'database-pg': { endpoint: 'pg.abc.eu-west-1.rds.amazonaws.com', port: 5432, resource_id: FLEET_RESOURCE_IDS.pg } }));

const sso = (session: string) => `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DatabaseAccess_0a1b2c3d4e5f6789/${session}`;

/** Everything outside the process, answering as a working setup would; `change` breaks a part. */
function deps(change: { session?: string | Error; probes?: Partial<DatabaseProbes> } = {}): DoctorDeps {
  return {
    sts: () => ({
      credentials: async () => ({ accessKeyId: 'ASIAEXAMPLE0000WXYZ' }),
      identity: async () => {
        if (change.session instanceof Error) throw change.session;
        return { arn: sso(change.session ?? 'bob'), account: '123456789012' };
      },
    }),
    synthesize: async (data) => Object.fromEntries(Object.entries(synthApp({ config: data.config as never, users: data.users, services: data.services }))
      .map(([id, text]) => [id, JSON.parse(text) as StackJson])),
    simulate: simulateConnect,
    probes: () => ({
      reach: async () => undefined,
      tls: async () => ({ subject: 'pg.abc.eu-west-1.rds.amazonaws.com' }),
      catalog: async () => ({ unreadable: 'no master secret' }),
      token: async () => 'pg.abc.eu-west-1.rds.amazonaws.com:5432/?Action=connect&DBUser=bob&X-Amz-Signature=0',
      login: async () => ({ roles: ['rds_iam', 'iam_write'] }),
      ...change.probes,
    }),
    runner: { run: async (_command, args) => ({ status: 0, output: args[0] === '--version' ? 'psql (PostgreSQL) 16.4\n' : 'bob\n' }) },
  };
}

async function doctor(args: string[], d: DoctorDeps = deps(), env: NodeJS.ProcessEnv = {}): Promise<{ status: number; out: string }> {
  let out = '';
  const status = await main([...args, '--project', project, '--outputs', outputs], { RDS_IAM_NOW: NOW.toISOString(), PATH: '/nowhere', ...env }, (t) => (out += t), d);
  return { status, out };
}

describe('npm run doctor', () => {
  test('exits 0 when every link holds, a real login included, and says so', async () => {
    const { status, out } = await doctor(['pg', '--user', 'bob']);
    expect(out).toMatch(/^doctor: pg as bob \(person\)\n/);
    expect(out.match(/: ok$/gm)).toHaveLength(5);
    expect(out).toMatch(/ok +login +bob logged in to app with a fresh token/);
    expect(out).toMatch(/Every link holds: a fresh token logs in\.\n$/);
    expect(status).toBe(0);
  });

  test('takes the user name from the session when --user is not given', async () => {
    expect((await doctor(['pg'])).out).toMatch(/^doctor: pg as bob/);
  });

  test("exits 1 at the first broken link, here another person's profile, and checks nothing after it", async () => {
    const { status, out } = await doctor(['pg', '--user', 'bob', '--json'], deps({ session: 'alice', probes: { reach: async () => { throw new Error('must not be reached'); } } }));
    const report = JSON.parse(out) as DoctorReport;
    expect(report).toMatchObject({ database: 'pg', user: 'bob', kind: 'person', ok: false, broken: { link: 'caller', check: 'session name' } });
    expect(report.links.map((l) => l.status)).toEqual(['ok', 'ok', 'broken', 'not checked', 'not checked']);
    expect(status).toBe(1);
  });

  test('exits 1 when the login works but the tier was revoked', async () => {
    const { status, out } = await doctor(['pg', '--user', 'bob'], deps({ probes: { login: async () => ({ roles: ['rds_iam'] }) } }));
    expect(out).toMatch(/FAIL {2}tier +bob logs in but is not in iam_write/);
    expect(status).toBe(1);
  });

  test('asks who you are when neither --user nor a session says', async () => {
    await expect(doctor(['pg'], deps({ session: new Error('Could not load credentials from any providers') }))).rejects.toThrow(CommandError);
    await expect(doctor(['pg'], deps({ session: new Error('Could not load credentials from any providers') }))).rejects.toThrow(/who are you\?.*pass --user/);
  });

  test('prints its usage without a database', async () => {
    expect(await doctor([])).toMatchObject({ status: 1, out: expect.stringMatching(/^Usage:\n {2}npm run doctor -- <database>/) });
  });

  test('as a process: an unknown name breaks the lists, before any AWS call, exit 1', () => {
    const result = runScript(ROOT, 'cli/doctor/main.ts', ['pg', '--user', 'zed', '--project', project, '--json'], { AWS_PROFILE: '', AWS_CONFIG_FILE: '/nonexistent' });
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, broken: { link: 'lists', check: 'entry', wrong: 'there is no entry for "zed" in users.ts or services.ts' } });
    expect(result.status).toBe(1);
  });

  test('connect points to doctor when the client it started fails', async () => {
    // A stand-in psql that fails as a refused login does.
    const bin = path.join(project, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'psql'), '#!/bin/sh\necho \'psql: error: FATAL: PAM authentication failed for user "jane"\' >&2\nexit 2\n', { mode: 0o755 });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_PROFILE: '' });
    try {
      const status = await connect(['orders', '--user', 'jane', '--host', 'o.example'], { ...process.env, PATH: bin }, () => undefined);
      expect(status).toBe(2);
      expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toMatch(/^connect: psql exited with 2\. If the login failed, run npm run doctor -- orders --user jane: it checks each link/m);
    } finally {
      stderr.mockRestore();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
