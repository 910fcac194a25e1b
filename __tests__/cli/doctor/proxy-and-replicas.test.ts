import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ConnectTarget } from '../../../cli/connect/connect';
import { DoctorDeps, main, resourceIdsOf } from '../../../cli/doctor/main';
import { CommandError } from '../../../cli/shared/command';
import type { DoctorReport } from '../../../lib/doctor/chain';
import { simulateConnect } from '../../../lib/iam/simulate';
import type { AppConfig } from '../../../lib/model/types';
import type { StackJson } from '../../../lib/terraform/synthesized';
import { FLEET_RESOURCE_IDS, fleetWithProxyAndReplicas, NOW, people, services } from '../../fixtures/fleet';
import { synthApp } from '../../fixtures/synth';

const config: AppConfig = fleetWithProxyAndReplicas;
const PROXY_ID = 'prx-0123456789abcdef0';
const REPLICA_ID = 'db-PGREPLICA1AAAAAAAAAAAAAAA';
const deployedOutputs = {
  'database-pg': {
    endpoint: 'pg.abc.eu-west-1.rds.amazonaws.com', port: 5432, resource_id: FLEET_RESOURCE_IDS.pg,
    proxy_endpoint: 'pg.proxy-abc.eu-west-1.rds.amazonaws.com', proxy_resource_id: PROXY_ID,
    replica_endpoints: ['pg-replica-1.def.eu-central-1.rds.amazonaws.com'], replica_resource_ids: [REPLICA_ID],
  },
  'database-my': { endpoint: 'my.abc.eu-west-1.rds.amazonaws.com', port: 3306, resource_id: FLEET_RESOURCE_IDS.my },
};

/** A checkout of that fleet, its data files written as data, and the outputs of a deploy. */
const project = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-ways-'));
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
fs.writeFileSync(path.join(project, 'config.ts'), `export const config = ${JSON.stringify(config)};\n`);
fs.writeFileSync(path.join(project, 'users.ts'), `export const users = ${JSON.stringify(people)};\n`);
fs.writeFileSync(path.join(project, 'services.ts'), `export const services = ${JSON.stringify(services)};\n`);
function outputsFile(content: object): string {
  const file = path.join(project, `outputs-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}
const outputs = outputsFile(deployedOutputs);

/** What the doctor reached outside the process with. */
interface Seen { stsRegions: string[]; targets: ConnectTarget[]; clientArgs: string[][] }

/** Everything outside the process answering as a working setup would, recording where it was sent. */
function deps(seen: Seen): DoctorDeps {
  return {
    sts: (region) => {
      seen.stsRegions.push(region);
      return {
        credentials: async () => ({ accessKeyId: 'ASIAEXAMPLE0000WXYZ' }),
        identity: async () => ({ arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DatabaseAccess_0a1b2c3d4e5f6789/bob', account: '123456789012' }),
      };
    },
    synthesize: async (data) => Object.fromEntries(Object.entries(synthApp({ config: data.config as never, users: data.users, services: data.services }))
      .map(([id, text]) => [id, JSON.parse(text) as StackJson])),
    simulate: simulateConnect,
    probes: (options) => {
      seen.targets.push(options.target);
      return {
        reach: async () => undefined,
        tls: async (endpoint) => ({ subject: endpoint.host }),
        catalog: async () => ({ unreadable: 'no master secret' }),
        token: async () => `${options.target.host}:5432/?Action=connect&DBUser=bob&X-Amz-Signature=0`,
        login: async () => ({ roles: ['rds_iam', 'iam_write'] }),
      };
    },
    runner: {
      run: async (_command, args) => {
        seen.clientArgs.push([...args]);
        return { status: 0, output: args[0] === '--version' ? 'psql (PostgreSQL) 16.4\n' : 'bob\n' };
      },
    },
  };
}

async function doctor(args: string[], file = outputs, seen: Seen = { stsRegions: [], targets: [], clientArgs: [] }): Promise<{ status: number; out: string; seen: Seen }> {
  let out = '';
  const status = await main([...args, '--project', project, '--outputs', file], { RDS_IAM_NOW: NOW.toISOString(), PATH: '/nowhere' }, (t) => (out += t), deps(seen));
  return { status, out, seen };
}

const linkOf = (out: string, name: string) => (JSON.parse(out) as DoctorReport).links.find((l) => l.link === name)!;

describe('npm run doctor -- <db> --proxy and --replica <n>', () => {
  test("--proxy checks the chain through the proxy: its prx- id in the policy, its endpoint probed and logged in to, the client started for it", async () => {
    const { status, out, seen } = await doctor(['pg', '--user', 'bob', '--proxy', '--json']);
    expect(status).toBe(0);
    const report = JSON.parse(out) as DoctorReport;
    expect(report.links.map((l) => l.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(linkOf(out, 'lists')).toEqual((JSON.parse((await doctor(['pg', '--user', 'bob', '--json'])).out) as DoctorReport).links[0]);
    expect(linkOf(out, 'deploys').checks.find((c) => c.name === 'policy')?.detail)
      .toMatch(new RegExp(`allows rds-db:connect on arn:aws:rds-db:eu-west-1:123456789012:dbuser:${PROXY_ID}/bob \\(pg's proxy\\), for that name exactly`));
    expect(linkOf(out, 'database').checks[0].detail).toBe("pg.proxy-abc.eu-west-1.rds.amazonaws.com:5432 answers (pg's proxy)");
    expect(seen.targets).toEqual([expect.objectContaining({ host: 'pg.proxy-abc.eu-west-1.rds.amazonaws.com', region: 'eu-west-1', user: 'bob' })]);
    expect(seen.clientArgs.at(-1)?.[0]).toMatch(/^host=pg\.proxy-abc\.eu-west-1\.rds\.amazonaws\.com port=5432 /);
  });

  test("--replica n in another environment: its db- id and region in the policy, tokens signed for its region, its endpoint probed", async () => {
    const { status, out, seen } = await doctor(['pg', '--user', 'bob', '--replica', '1', '--json']);
    expect(status).toBe(0);
    expect(linkOf(out, 'deploys').checks.find((c) => c.name === 'policy')?.detail)
      .toMatch(new RegExp(`on arn:aws:rds-db:eu-central-1:123456789012:dbuser:${REPLICA_ID}/bob \\(pg's replica 1\\)`));
    expect(linkOf(out, 'caller').checks.find((c) => c.name === 'region')?.detail)
      .toBe("tokens are signed for eu-central-1, where config.ts puts the database's replica 1, the endpoint's region");
    expect(seen.stsRegions).toEqual(['eu-central-1']);
    expect(seen.targets).toEqual([expect.objectContaining({ host: 'pg-replica-1.def.eu-central-1.rds.amazonaws.com', region: 'eu-central-1' })]);
  });

  test('fails when the database has no proxy, as connect does, before any AWS call', async () => {
    const seen: Seen = { stsRegions: [], targets: [], clientArgs: [] };
    await expect(doctor(['my', '--user', 'bob', '--proxy'], outputs, seen)).rejects.toThrow(CommandError);
    await expect(doctor(['my', '--user', 'bob', '--proxy'])).rejects.toThrow(/^my has no proxy in config\.ts \(proxy: \{\} creates one\); run doctor without --proxy\.$/);
    expect(seen).toEqual({ stsRegions: [], targets: [], clientArgs: [] });
  });

  test('fails when the database has no such replica, saying how many it has', async () => {
    await expect(doctor(['my', '--user', 'bob', '--replica', '3'])).rejects.toThrow(/^--replica 3 is not a replica of my: it has 2 \(--replica 1 to 2\)\.$/);
  });

  test('fails when the database has no replicas at all (Aurora: the reader)', async () => {
    await expect(doctor(['amy', '--user', 'alice', '--replica', '1'])).rejects.toThrow(/^amy has no read replicas in config\.ts \(Aurora: use --reader\); run doctor without --replica\.$/);
  });

  test('fails when --replica is not a replica number', async () => {
    await expect(doctor(['my', '--user', 'bob', '--replica', '0'])).rejects.toThrow(/^--replica "0" is not a replica number \(1, 2, …\)$/);
    await expect(doctor(['my', '--user', 'bob', '--replica', '1x'])).rejects.toThrow(/is not a replica number/);
  });

  test('fails when both --proxy and --replica are given', async () => {
    await expect(doctor(['pg', '--user', 'bob', '--proxy', '--replica', '1'])).rejects.toThrow(/^Choose one of --proxy, --reader and --replica\.$/);
  });

  test('fails when the proxy is not deployed yet: the database link names the missing output, and deploys simulated a stand-in id', async () => {
    const { 'database-pg': { proxy_endpoint: _endpoint, proxy_resource_id: _id, ...pg } } = deployedOutputs;
    const { status, out } = await doctor(['pg', '--user', 'bob', '--proxy', '--json'], outputsFile({ ...deployedOutputs, 'database-pg': pg }));
    expect(status).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      broken: {
        link: 'database', check: 'endpoint',
        wrong: "No endpoint known for pg's proxy: the outputs file has no proxy_endpoint for database-pg; deploy database-pg (npm run deploy -- database-pg) and use the outputs file it writes, or pass --host <its endpoint>.",
      },
    });
    expect(linkOf(out, 'deploys').notes).toEqual([expect.stringMatching(/the resource id of pg's proxy is not in the outputs file \(proxy_resource_id\)/)]);
  });

  test("reads each way in's resource id from the outputs, named as entryPointIds names them", () => {
    expect(resourceIdsOf(deployedOutputs)).toEqual({
      pg: FLEET_RESOURCE_IDS.pg, 'pg/proxy': PROXY_ID, 'pg/replica-1': REPLICA_ID, my: FLEET_RESOURCE_IDS.my,
    });
    expect(resourceIdsOf(undefined)).toEqual({});
  });
});
