import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../cli/migrate-state/main';
import { shardMigration, StateV4 } from '../../../lib/terraform/state-shards';
import { forEachValue } from '../../../lib/terraform/synthesized';
import { fleet, people } from '../../fixtures/fleet';
import { synthStacks } from '../../fixtures/synth';

const stack = synthStacks({ config: fleet, users: people })['users-pg'];

/** The stack's person role shards (`access_users-07_<hash>`) and the people each holds. */
const roleShards = Object.entries(stack.resource?.postgresql_role ?? {}).flatMap(([name, body]) => (
  /^access_users-[0-9a-f]{2}_[0-9A-F]{8}$/.test(name) ? [{ name, keys: Object.keys(forEachValue(body.for_each, stack.locals ?? {}) as Record<string, unknown>) }] : []
));
const everyone = roleShards.flatMap((s) => s.keys);

/** A state of the former layout: everyone's role in one resource. */
const former: StateV4 = {
  version: 4, terraform_version: '1.9.8', serial: 7, lineage: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', outputs: {},
  resources: [{
    mode: 'managed', type: 'postgresql_role', name: 'access_users_0123ABCD', provider: 'provider["example/cyrilgdn/postgresql"]',
    instances: everyone.map((key) => ({ index_key: key, schema_version: 0, attributes: { id: key, name: key }, sensitive_attributes: [] })),
  }],
};

describe('npm run migrate-state', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-state-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // cdktf.out as `npx cdktf synth` writes it: a manifest naming each stack's folder and JSON.
  const outdir = path.join(dir, 'cdktf.out');
  const stackDir = path.join(outdir, 'stacks', 'users-pg');
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify({
    version: '0.21.0',
    stacks: {
      'database-pg': { name: 'database-pg', workingDirectory: 'stacks/database-pg', synthesizedStackPath: 'stacks/database-pg/cdk.tf.json' },
      'users-pg': { name: 'users-pg', workingDirectory: 'stacks/users-pg', synthesizedStackPath: 'stacks/users-pg/cdk.tf.json' },
    },
  }));

  // A stand-in Terraform: logs where it ran and with what, prints $FAKE_TF_STATE on `state pull`
  // (nothing when there is none), keeps what `state push` was given, fails the command $FAKE_TF_FAIL.
  const terraform = path.join(dir, 'terraform');
  fs.writeFileSync(terraform, `#!/bin/sh
printf '%s|%s\\n' "$(pwd)" "$*" >> "$FAKE_TF_LOG"
if [ "$1" = "$FAKE_TF_FAIL" ]; then echo "Error: $1 refused" >&2; exit 1; fi
case "$1 $2" in
  "state pull") if [ -f "$FAKE_TF_STATE" ]; then /bin/cat "$FAKE_TF_STATE"; fi ;;
  "state push") /bin/cp "$3" "$FAKE_TF_PUSHED" ;;
esac
exit 0
`, { mode: 0o755 });

  /** Runs the command against `state` (none: a stack never deployed); what it printed, the Terraform calls, and the state pushed. */
  async function migrate(argv: string[], options: { state?: StateV4; fail?: string; outdir?: string } = {}) {
    const run = fs.mkdtempSync(path.join(dir, 'run-'));
    const files = { log: path.join(run, 'calls.log'), state: path.join(run, 'pulled.json'), pushed: path.join(run, 'pushed.json') };
    if (options.state) fs.writeFileSync(files.state, JSON.stringify(options.state));
    let out = '';
    await main(argv, {
      CDKTF_OUTDIR: options.outdir ?? outdir, TERRAFORM_BINARY_NAME: terraform,
      FAKE_TF_LOG: files.log, FAKE_TF_STATE: files.state, FAKE_TF_PUSHED: files.pushed, FAKE_TF_FAIL: options.fail ?? '',
    }, (text) => (out += text));
    const calls = fs.existsSync(files.log) ? fs.readFileSync(files.log, 'utf8').trim().split('\n') : [];
    const pushed = fs.existsSync(files.pushed) ? JSON.parse(fs.readFileSync(files.pushed, 'utf8')) as StateV4 : undefined;
    return { out, calls, pushed };
  }

  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const here = (args: string) => `${fs.realpathSync(stackDir)}|${args}`;
  const addresses = (state: StateV4) => state.resources!.flatMap((r) => r.instances.map((i) => `${r.type}.${r.name}[${JSON.stringify(i.index_key)}]`)).sort();

  test('moves the state: pushes it as the next serial with everyone at their shard, and leaves no copy behind', async () => {
    const { out, calls, pushed } = await migrate([], { state: former });
    expect(pushed).toEqual(shardMigration(former, stack).state);
    expect(pushed!.serial).toBe(8);
    expect(addresses(pushed!)).toEqual(roleShards.flatMap((s) => s.keys.map((key) => `postgresql_role.${s.name}["${key}"]`)).sort());
    expect(out).toBe(`users-pg: ${everyone.length} resource instances moved to their shards (state serial 8)\n`);
    expect(calls).toEqual([
      here('init -input=false -no-color'),
      here('state pull'),
      expect.stringMatching(new RegExp(`^${escape(here(`state push ${fs.realpathSync(stackDir)}/.state-migration-`))}[^/]+/state\\.json$`)),
    ]);
    expect(fs.readdirSync(stackDir).filter((name) => name.startsWith('.state-migration-'))).toEqual([]);
    expect(everyone).toHaveLength(3);
  });

  test('--dry-run prints every move and never pushes', async () => {
    const { out, calls, pushed } = await migrate(['--dry-run'], { state: former });
    for (const { from, to } of shardMigration(former, stack).moves) expect(out).toContain(`  ${from} -> ${to}\n`);
    expect(out.match(/ -> /g)).toHaveLength(everyone.length);
    expect(calls.filter((call) => call.includes('state push'))).toEqual([]);
    expect(pushed).toBeUndefined();
  });

  test('a stack with no state yet has nothing to move', async () => {
    const { out, calls, pushed } = await migrate(['users-pg']);
    expect(out).toBe('users-pg: no state yet, nothing to move\n');
    expect(calls).toEqual([here('init -input=false -no-color'), here('state pull')]);
    expect(pushed).toBeUndefined();
  });

  test('a migrated stack has nothing to move', async () => {
    const { out, calls, pushed } = await migrate([], { state: shardMigration(former, stack).state });
    expect(out).toBe('users-pg: nothing to move\n');
    expect(calls).toEqual([here('init -input=false -no-color'), here('state pull')]);
    expect(pushed).toBeUndefined();
  });

  test('fails when cdktf.out has no manifest', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    await expect(migrate([], { outdir: empty })).rejects.toThrow(/run npx cdktf synth first/);
  });

  test.each(['database-pg', 'users-nope'])('fails when a named stack is not a users stack (%s), before Terraform runs', async (name) => {
    const log = path.join(dir, `never-${name}.log`);
    await expect(main([name], { CDKTF_OUTDIR: outdir, TERRAFORM_BINARY_NAME: terraform, FAKE_TF_LOG: log }, () => undefined)).rejects.toThrow(/not a synthesized users stack/);
    expect(fs.existsSync(log)).toBe(false);
  });

  test('fails when terraform fails, with what it said, and goes no further', async () => {
    const log = path.join(dir, 'failed-init.log');
    const env = { CDKTF_OUTDIR: outdir, TERRAFORM_BINARY_NAME: terraform, FAKE_TF_LOG: log, FAKE_TF_FAIL: 'init' };
    await expect(main([], env, () => undefined)).rejects.toThrow(/init( -input=false)? failed in \S+\/stacks\/users-pg:\nError: init refused$/);
    expect(fs.readFileSync(log, 'utf8')).toBe(`${here('init -input=false -no-color')}\n`);
  });

  // main.ts names a command by its first two arguments, meant for `state pull`/`state push`: init's first flag comes along.
  test('fails when terraform fails, naming the command without its flags', async () => {
    await expect(migrate([], { state: former, fail: 'init' })).rejects.toThrow(/terraform init failed/);
  });
});
