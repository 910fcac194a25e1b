import * as fs from 'fs';
import * as path from 'path';
import { AppConfig } from '../../lib/model/types';
import { readProjectData } from '../../lib/validation/data-file';
import { NOW } from '../fixtures/fleet';
import { synthStacks } from '../fixtures/synth';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const names = fs.readdirSync(EXAMPLES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/** An example as synth reads it: its data files, and the example's users.ts where it has none. */
const stacksOf = (name: string) => {
  const { config, users, services } = readProjectData(path.join(EXAMPLES, name));
  return synthStacks({ config: config as AppConfig, users, services, now: NOW, env: {} });
};

describe('examples/', () => {
  test('every example has a README that the index links', () => {
    const index = fs.readFileSync(path.join(EXAMPLES, 'README.md'), 'utf8');
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) {
      expect(fs.existsSync(path.join(EXAMPLES, name, 'README.md'))).toBe(true);
      expect(index).toContain(`](${name}/)`);
    }
  });

  test('existing-postgres looks the instance up and creates none', () => {
    const stacks = stacksOf('existing-postgres');
    expect(stacks['database-reports'].data).toHaveProperty('aws_db_instance');
    expect(stacks['database-reports'].resource?.aws_db_instance).toBeUndefined();
    expect(Object.keys(stacks['users-reports'].resource ?? {})).toContain('postgresql_role');
  });

  test('rds-mariadb creates MariaDB with a default role per person and a customer-managed connect policy', () => {
    const stacks = stacksOf('rds-mariadb');
    expect(Object.values(stacks['database-shop'].resource?.aws_db_instance ?? {})).toEqual([expect.objectContaining({ engine: 'mariadb', iam_database_authentication_enabled: true })]);
    expect(Object.keys(stacks['users-shop'].resource ?? {})).toContain('mysql_default_roles');
    expect(Object.keys(stacks)).toContain('connect-policy-production');
  });

  test('private-port-forward points the provider at the forward, checking the CA', () => {
    const [provider] = (stacksOf('private-port-forward')['users-ledger'].provider as Record<string, Record<string, unknown>[]>).postgresql;
    expect(provider).toEqual(expect.objectContaining({ host: '127.0.0.1', port: 15432, sslmode: 'verify-ca' }));
  });

  test('services-own-roles gives each service its own role and connect policy, and people nothing', () => {
    const stacks = stacksOf('services-own-roles');
    expect(Object.keys(stacks)).not.toContain('identity-center');
    const services = stacks['services-production'].resource ?? {};
    expect(Object.keys(services.aws_iam_role ?? {})).toHaveLength(3);
    expect(JSON.stringify(services.aws_iam_role_policy_attachment)).toContain('ledger-batch');
  });

  test('proxy-and-replicas puts a proxy and replicas beside the database, and every policy names them', () => {
    const stacks = stacksOf('proxy-and-replicas');
    expect(Object.values(stacks['database-orders'].resource?.aws_db_proxy ?? {})).toEqual([expect.objectContaining({ default_auth_scheme: 'IAM_AUTH', require_tls: true })]);
    const replicas = Object.values(stacks['database-reports'].resource?.aws_db_instance ?? {}).filter((i) => i.replicate_source_db !== undefined);
    expect(replicas).toEqual([expect.objectContaining({ identifier: 'reports-replica-1', provider: 'aws.replicas', iam_database_authentication_enabled: true })]);
    const policy = String(Object.values(stacks['identity-center'].resource?.aws_ssoadmin_permission_set_inline_policy ?? {})[0].inline_policy);
    expect(policy).toContain('proxy_resource_id');
    expect(policy).toMatch(/arn:aws:rds-db:eu-central-1:123456789012:dbuser:\$\{[^}]*database-reports[^}]*replica-1[^}]*\}\/\$\$\{aws:PrincipalTag\/username\}/);
    const service = String(Object.values(stacks['services-production'].resource?.aws_iam_policy ?? {})[0].policy);
    expect(service).toMatch(/dbuser:\$\{[^}]*proxy_resource_id[^}]*\}\/orders-api"/);
  });

  test.each(names)('%s synthesizes as its snapshot says', (name) => {
    const stacks = stacksOf(name);
    for (const id of Object.keys(stacks).sort()) expect(stacks[id]).toMatchSnapshot(id);
  });
});
