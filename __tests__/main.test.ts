import * as fs from 'fs';
import * as path from 'path';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { App, Testing } from 'cdktf';
import { synthesizeCheckout } from '../cli/shared/revision';
import { readConfigFile, readUsersFile } from '../lib/validation/data-file';
import { AppConfig } from '../lib/model/types';
import { validateInputs } from '../lib/validation/inputs';
import { synthesizeProject } from '../stacks/compose';
import { fleet, NOW } from './fixtures/fleet';
import { EXAMPLE_FILES, folderOf } from './fixtures/git';
import './fixtures/cdktf-matchers';
import { projectInput, synthApp } from './fixtures/synth';

const ROOT = path.resolve(__dirname, '..');
const ENV = { RDS_IAM_NOW: NOW.toISOString() };
const config = readConfigFile(ROOT) as AppConfig;

/** A folder holding a users.ts and the example's config.ts: what synth reads from a project. */
const usersFolder = (source: string, configSource = EXAMPLE_FILES['config.ts']): string => folderOf({ 'users.ts': source, 'config.ts': configSource });

describe('the example app', () => {
  const stacks = synthApp(projectInput(ROOT));

  test('declares a database and a users stack per database, the Identity Center stack and one for services.ts', () => {
    expect(Object.keys(stacks).sort()).toEqual([
      'database-billing', 'database-orders', 'database-sandbox', 'identity-center', 'services-production', 'users-billing', 'users-orders', 'users-sandbox',
    ]);
  });

  test('has a PostgreSQL instance and an Aurora MySQL cluster with IAM auth', () => {
    expect(stacks['database-orders']).toHaveResourceWithProperties(DbInstance, { engine: 'postgres', iam_database_authentication_enabled: true });
    expect(stacks['database-billing']).toHaveResourceWithProperties(RdsCluster, { engine: 'aurora-mysql', iam_database_authentication_enabled: true });
  });
});

describe('main.ts as cdktf runs it', () => {
  test('as a process: synthesizes every stack, run as cdktf.json says (as the access report runs each revision)', async () => {
    const stacks = await synthesizeCheckout(ROOT);
    expect(Object.keys(stacks)).toHaveLength(8);
    expect(Object.keys(stacks['users-orders'].resource ?? {})).toContain('postgresql_role');
  });

  test('fails when users.ts is bad, naming every bad entry, before any App exists', () => {
    const dir = usersFolder(`
      export const users = [
        { username: 'root', access: { orders: 'read' } },
        { username: 'ok.person', access: { payroll: 'read' } },
        { username: "o'neil", access: { orders: 'owner' } },
      ];`);
    const newApp = jest.fn(() => Testing.app());
    expect(() => synthesizeProject({ projectDir: dir, env: ENV, newApp })).toThrow(
      /users.ts has 4 problems:[^]*users\[0\] \("root"\): username "root" is reserved[^]*users\[1\] \("ok.person"\): unknown database "payroll"[^]*users\[2\] \("o'neil"\): unknown tier "owner"[^]*users\[2\] \("o'neil"\): username contains "'"/,
    );
    expect(newApp).not.toHaveBeenCalled();
  });

  test('an expired entry is noted on the users stack that locks it', () => {
    const dir = usersFolder(`
      export const users = [{ username: 'temp.person', access: { orders: 'read' }, expires: '2026-01-31' }];`);
    let app: App | undefined;
    // orders, where the entry expired, and billing, where nobody did: all the test reads.
    const { orders, billing } = config.databases;
    const data = { config: { ...config, databases: { orders, billing } }, users: readUsersFile(dir), services: [] };
    synthesizeProject({ projectDir: dir, data, env: ENV, newApp: () => (app = Testing.app()) });
    // A warning annotation, which cdktf prints as [WARN], not on stderr as an error.
    const manifest = JSON.parse(fs.readFileSync(path.join(app!.outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['users-orders'].annotations).toEqual([
      expect.objectContaining({ level: '@cdktf/warn', message: 'Expired: granted nothing, locked out where the engine allows; remove from users.ts: temp.person' }),
    ]);
    expect(manifest.stacks['users-billing'].annotations).toEqual([]);
  });

  describe('on the runner, with RDS_IAM_INVALID_ENTRIES=skip', () => {
    // A change that removes bob, lets temp.person expire, and adds an entry that fails validation.
    const dir = usersFolder(`
      export const users = [
        { username: 'jane.doe', access: { orders: 'read' } },
        { username: 'temp.person', access: { orders: 'read' }, expires: '2026-01-31' },
        { username: 'root', access: { orders: 'admin' } },
      ];`);
    const { orders } = config.databases;
    const data = { config: { ...config, databases: { orders } }, users: readUsersFile(dir), services: [] };

    test('fails when the setting is not skip: one invalid entry stops the whole deploy', () => {
      expect(() => synthesizeProject({ projectDir: dir, data, env: ENV, newApp: () => Testing.app() })).toThrow(/users\[2\] \("root"\): username "root" is reserved/);
      expect(() => synthesizeProject({ projectDir: dir, data, env: { ...ENV, RDS_IAM_INVALID_ENTRIES: 'yes' }, newApp: () => Testing.app() }))
        .toThrow(/RDS_IAM_INVALID_ENTRIES="yes" must be 'skip'/);
    });

    test('the invalid addition is granted nothing, and the removal and the expiry still deploy', () => {
      let app: App | undefined;
      synthesizeProject({ projectDir: dir, data, env: { ...ENV, RDS_IAM_INVALID_ENTRIES: 'skip' }, newApp: () => (app = Testing.app()) });
      const stack = JSON.parse(fs.readFileSync(path.join(app!.outdir, 'stacks', 'users-orders', 'cdk.tf.json'), 'utf8'));
      // Who holds a tier, and who has a role at all (temp.person's locked: login false).
      const locals = Object.values(stack.locals as Record<string, string>);
      expect(locals).toContain('${zipmap(["jane.doe"],["iam_read"])}');
      // Two shards of people's roles (modules/for-each-map.ts): jane's, and temp.person's, locked.
      expect(locals).toContain('${zipmap(["jane.doe"],[{"tier":"iam_read","login":true}])}');
      expect(locals).toContain('${zipmap(["temp.person"],[{"tier":"iam_read","login":false}])}');
      const manifest = JSON.parse(fs.readFileSync(path.join(app!.outdir, 'manifest.json'), 'utf8'));
      expect(manifest.stacks['users-orders'].annotations).toEqual(expect.arrayContaining([
        expect.objectContaining({ level: '@cdktf/warn', message: expect.stringMatching(/^Invalid entries skipped \(RDS_IAM_INVALID_ENTRIES=skip\), granted nothing until fixed:\n  - users\.ts: users\[2\] \("root"\): username "root" is reserved/) }),
      ]));
    });
  });
});

describe('validateInputs', () => {
  test('fails with the problems of config.ts and users.ts together', () => {
    const broken = { ...fleet, databases: { ...fleet.databases, pg: { ...fleet.databases.pg, engineVersion: '9.6' } } };
    const bad = [{ username: 'root', access: { pg: 'read' } }] as const;
    expect(() => validateInputs({ config: broken, users: bad, now: NOW })).toThrow(/config.ts has 1 problem:[\s\S]*engineVersion "9.6"[\s\S]*\n\nusers.ts has 1 problem:[\s\S]*"root" is reserved/);
  });
});
