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
if [ "$1" = "$FAKE_TF_FAIL" ]; then case "$(pwd)" in *"$FAKE_TF_FAIL_IN"*) echo "Error: $1 refused" >&2; exit 1 ;; esac; fi
case "$1 $2" in
  "state pull") if [ -f "$FAKE_TF_STATE" ]; then /bin/cat "$FAKE_TF_STATE"; fi ;;
  "state push") /bin/cp "$3" "$FAKE_TF_PUSHED" ;;
esac
exit 0
`, { mode: 0o755 });

  /** Runs the command against `state` (none: a stack never deployed); what it printed, the Terraform calls, and the state pushed. */
  async function migrate(argv: string[], options: { state?: StateV4; fail?: string; failIn?: string; outdir?: string } = {}) {
    const run = fs.mkdtempSync(path.join(dir, 'run-'));
    const files = { log: path.join(run, 'calls.log'), state: path.join(run, 'pulled.json'), pushed: path.join(run, 'pushed.json') };
    if (options.state !== undefined) fs.writeFileSync(files.state, JSON.stringify(options.state));
    let out = '';
    const code = await main(argv, {
      CDKTF_OUTDIR: options.outdir ?? outdir, TERRAFORM_BINARY_NAME: terraform,
      FAKE_TF_LOG: files.log, FAKE_TF_STATE: files.state, FAKE_TF_PUSHED: files.pushed, FAKE_TF_FAIL: options.fail ?? '', FAKE_TF_FAIL_IN: options.failIn ?? '',
    }, (text) => (out += text));
    const calls = fs.existsSync(files.log) ? fs.readFileSync(files.log, 'utf8').trim().split('\n') : [];
    const pushed = fs.existsSync(files.pushed) ? JSON.parse(fs.readFileSync(files.pushed, 'utf8')) as StateV4 : undefined;
    return { code, out, calls, pushed };
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

  test('fails when terraform fails, with what it said, and goes no further in that stack', async () => {
    const { code, out, calls } = await migrate([], { state: former, fail: 'init' });
    expect(code).toBe(1);
    expect(out).toMatch(/^users-pg: not moved, not ready to deploy: \S+ init failed in \S+\/stacks\/users-pg:\nError: init refused\n/);
    expect(out).toMatch(/\nmigrate-state: 1 of 1 users stacks failed: users-pg\n$/);
    expect(calls).toEqual([here('init -input=false -no-color')]);
  });

  test('fails when terraform fails, naming the command without its flags', async () => {
    expect((await migrate([], { state: former, fail: 'init' })).out).toMatch(/\/terraform init failed in /);
  });

  describe('with more than one users stack', () => {
    // A second users stack beside the first, the same people (each stack has its own folder).
    const twoStacks = path.join(dir, 'two', 'cdktf.out');
    for (const name of ['users-a', 'users-b']) {
      fs.mkdirSync(path.join(twoStacks, 'stacks', name), { recursive: true });
      fs.writeFileSync(path.join(twoStacks, 'stacks', name, 'cdk.tf.json'), JSON.stringify(stack));
    }
    fs.writeFileSync(path.join(twoStacks, 'manifest.json'), JSON.stringify({ stacks: Object.fromEntries(['users-a', 'users-b'].map((name) => [name, { workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` }])) }));
    const ready = path.join(dir, 'two', 'ready.txt');

    test('one stack that cannot be moved keeps no other from moving, and --ready lists only those that can deploy', async () => {
      const { code, out, pushed } = await migrate(['--ready', ready], { state: former, fail: 'init', failIn: 'users-a', outdir: twoStacks });
      expect(code).toBe(1);
      expect(out).toMatch(/^users-a: not moved, not ready to deploy: .*\nusers-b: 3 resource instances moved to their shards \(state serial 8\)\n/s);
      expect(pushed!.serial).toBe(8);
      expect(fs.readFileSync(ready, 'utf8')).toBe('users-b\n');
    });

    test('--ready lists every stack moved or with nothing to move', async () => {
      const { code } = await migrate(['--ready', ready], { state: shardMigration(former, stack).state, outdir: twoStacks });
      expect(code).toBe(0);
      expect(fs.readFileSync(ready, 'utf8')).toBe('users-a\nusers-b\n');
    });

    test('the list is a new file, never written through a link planted where it goes', async () => {
      const target = path.join(dir, 'two', 'elsewhere.txt');
      fs.writeFileSync(target, 'kept\n');
      fs.rmSync(ready, { force: true });
      fs.symlinkSync(target, ready);
      await migrate(['--ready', ready], { state: shardMigration(former, stack).state, outdir: twoStacks });
      expect(fs.readFileSync(target, 'utf8')).toBe('kept\n');
      expect(fs.lstatSync(ready).isSymbolicLink()).toBe(false);
      expect(fs.readFileSync(ready, 'utf8')).toBe('users-a\nusers-b\n');
    });

    test('a stack whose state is not a Terraform state fails alone', async () => {
      const { code, out } = await migrate(['--ready', ready], { state: null as unknown as StateV4, outdir: twoStacks });
      expect(code).toBe(1);
      expect(out).toMatch(/^users-a: not moved, not ready to deploy: /);
      expect(out).toMatch(/\nmigrate-state: 2 of 2 users stacks failed: users-a, users-b\n$/);
      expect(fs.readFileSync(ready, 'utf8')).toBe('');
    });

    test('fails when cdktf.out has no manifest, leaving --ready empty: nothing deploys as ready', async () => {
      fs.writeFileSync(ready, 'users-a\n');
      await expect(migrate(['--ready', ready], { outdir: path.join(dir, 'nowhere') })).rejects.toThrow(/run npx cdktf synth first/);
      expect(fs.readFileSync(ready, 'utf8')).toBe('');
    });
  });
});
