/**
 * Upgrading a deployment made before people were spread over shards: Terraform applies the
 * former layout (tools/e2e/former-layout.ts) to servers of this file's own, then `npm run
 * migrate-state` moves the state, and the next plan of the current layout changes nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { formerLayout } from '../../tools/e2e/former-layout';
import { buildAuthenticationPlugin, RunningServer, startMariadb, startPostgres } from '../../tools/e2e/servers';
import { loadContext, Workspace } from '../../tools/e2e/workspace';
import { COMMAND_RUNNER } from '../../tools/shared/typescript-runner';
import { mysqlAdmin, pgAdmin } from '../fixtures/engines';

const context = loadContext();
let dir: string;
let ws: Workspace;
const servers: Record<string, RunningServer> = {};

beforeAll(async () => {
  // Under /tmp, not the test run's folder: the server runs as postgres when we are root.
  dir = fs.mkdtempSync('/tmp/e2e-state-migration-');
  fs.chmodSync(dir, 0o711);
  const password = context.servers.orders.masterPassword;
  servers.orders = await startPostgres(path.join(dir, 'orders'), context.certs, ['orders'], password);
  servers.billing = await startMariadb(path.join(dir, 'billing'), context.certs, ['billing'], password, buildAuthenticationPlugin(path.join(dir, 'plugin')));
  ws = new Workspace({ ...context, servers: { ...context.servers, ...servers } });
  ws.synth();
});

afterAll(() => {
  ws?.remove();
  for (const server of Object.values(servers)) server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** `npm run migrate-state -- <args>` in the workspace, as the pipeline runs it after synth. */
function migrate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...COMMAND_RUNNER, 'cli/migrate-state/main.ts', ...args], {
    cwd: ws.dir, encoding: 'utf8', env: { ...process.env, TERRAFORM_BINARY_NAME: context.terraform, TF_PLUGIN_CACHE_DIR: context.pluginCache },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Who holds which role, from the catalog. */
async function memberships(key: string): Promise<unknown[]> {
  return key === 'orders'
    ? pgAdmin(servers.orders, 'orders', `SELECT u.rolname AS member, g.rolname AS role FROM pg_auth_members m
        JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE u.rolname NOT LIKE 'pg\\_%' AND u.rolname <> 'dbmaster' ORDER BY 1, 2`)
    : mysqlAdmin(servers.billing, 'SELECT User AS member, Role AS role FROM mysql.roles_mapping WHERE User <> Role ORDER BY 1, 2');
}

describe('npm run migrate-state on a deployment from before people shards', () => {
  test.each([['orders', 'PostgreSQL'], ['billing', 'MariaDB']])('users-%s (%s): the state moves, the next plan changes nothing, and everyone keeps their roles', async (key) => {
    const stack = ws.stack(key);
    const file = path.join(stack.dir, 'cdk.tf.json');
    const current = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, JSON.stringify(formerLayout(JSON.parse(current))));
    const former = await stack.apply();
    if (former.status !== 0) throw new Error(`apply of the former layout failed:\n${former.stderr}${former.stdout}`);
    const held = await memberships(key);
    expect(held.length).toBeGreaterThan(3);
    fs.writeFileSync(file, current);

    // Unmigrated, the deploy would drop every person's instances and make them anew.
    const unmigrated = await stack.plan();
    expect(unmigrated.filter((c) => c.actions.includes('delete')).length).toBeGreaterThan(3);
    const dryRun = migrate('--dry-run', `users-${key}`);
    expect(dryRun.stdout).toMatch(new RegExp(`^users-${key}: \\d+ resource instances would move`));
    expect(dryRun.stdout).toMatch(/_[0-9A-F]{8}\["[^"]+"\] -> \S+-[0-9a-f]{2}_[0-9A-F]{8}\["[^"]+"\]/);
    expect(await stack.plan()).toEqual(unmigrated);

    const moved = migrate(`users-${key}`);
    expect(moved).toEqual(expect.objectContaining({ status: 0, stdout: expect.stringMatching(new RegExp(`^users-${key}: \\d+ resource instances moved to their shards`)) }));
    expect(await stack.plan()).toEqual([]);
    expect(migrate(`users-${key}`).stdout).toBe(`users-${key}: nothing to move\n`);
    expect(await memberships(key)).toEqual(held);
    expect(fs.readdirSync(stack.dir).filter((f) => f.startsWith('.state-migration-'))).toEqual([]);
  });
});
