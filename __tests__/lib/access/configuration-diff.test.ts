import { configurationChanges } from '../../../lib/access/configuration-diff';
import { StackJson } from '../../../lib/terraform/synthesized';
import { onlyDatabases } from '../../fixtures/fleet';
import { synthStacks } from '../../fixtures/synth';

/** The pg database's stacks, and a deep copy to break. */
const { config, users } = onlyDatabases('pg');
const base = synthStacks({ config, users });
const copy = (): Record<string, any> => JSON.parse(JSON.stringify(base)) as Record<string, StackJson>;

describe('configurationChanges', () => {
  test('finds nothing between two synths of the same input, and nothing the access model reports (people, grants)', () => {
    expect(configurationChanges(base, synthStacks({ config, users: [...users].reverse() }))).toEqual([]);
    expect(configurationChanges(base, synthStacks({ config, users: users.slice(1) }))).toEqual([]);
  });

  test('shows a provider source and version changed in required_providers', () => {
    const head = copy();
    head['users-pg'].terraform.required_providers.postgresql.source = 'evil/postgresql';
    expect(configurationChanges(base, head)).toEqual([
      { path: 'users-pg terraform.required_providers.postgresql.source', before: '"cyrilgdn/postgresql"', after: '"evil/postgresql"' },
    ]);
  });

  test('shows backends, data, ephemeral blocks and database settings, path by path', () => {
    const head = copy();
    head['users-pg'].terraform.backend = { http: { address: 'https://state.elsewhere.example' } };
    head['users-pg'].ephemeral.aws_secretsmanager_secret_version.master.secret_id = 'arn:aws:secretsmanager:eu-west-1:999999999999:secret:x';
    const [instance] = Object.values(head['database-pg'].resource.aws_db_instance) as Record<string, unknown>[];
    instance.storage_encrypted = false;
    instance.deletion_protection = false;
    const paths = configurationChanges(base, head).map((c) => c.path);
    expect(paths).toEqual(expect.arrayContaining([
      'users-pg terraform.backend.http',
      'users-pg ephemeral.aws_secretsmanager_secret_version.master.secret_id',
      expect.stringMatching(/^database-pg resource\.aws_db_instance\.[\w-]+\.storage_encrypted$/),
      expect.stringMatching(/^database-pg resource\.aws_db_instance\.[\w-]+\.deletion_protection$/),
    ]));
    expect(paths.filter((p) => p.startsWith('users-pg terraform.backend'))).toEqual(['users-pg terraform.backend.http', 'users-pg terraform.backend.local']);
  });

  test('shows a stack the base does not have, resource by resource', () => {
    const head = copy();
    head['extra'] = { resource: { null_resource: { a: { triggers: { x: '1' } } } } };
    expect(configurationChanges(base, head)).toEqual([{ path: 'extra resource.null_resource.a', after: '{"triggers":{"x":"1"}}' }]);
  });
});
