/**
 * `npm run migrate-state [-- --dry-run] [users-<key> …]`: once per deployment, after the
 * upgrade that spread people over shards (modules/for-each-map.ts), moves each users stack's
 * state to the new addresses (lib/terraform/state-shards.ts), so the next deploy changes
 * nothing in the databases. Without it that deploy would revoke and grant every membership
 * again. Reads the stacks `npx cdktf synth` wrote; runs Terraform as `cdktf deploy` would, in
 * each stack's folder: `init`, `state pull`, and (unless --dry-run) `state push`, which
 * refuses if the state changed in between. A migrated stack has nothing to move.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parseArgs } from 'util';
import { shardMigration, StateV4 } from '../../lib/terraform/state-shards';
import { StackJson } from '../../lib/terraform/synthesized';
import { CommandError, runCommand, Write } from '../shared/command';

const USAGE = `usage: npm run migrate-state -- [--dry-run] [--ready <file>] [users-<key> ...]
  Moves each users stack's Terraform state (default: every users stack npx cdktf synth wrote
  to cdktf.out) to people spread over shards. Run npx cdktf synth first, with the credentials
  its state backend needs. --dry-run prints every move and writes nothing. A stack that fails
  does not stop the others; the exit code is 1 if any failed. --ready writes the names of the
  stacks left ready to deploy (moved, or nothing to move), one a line.`;

interface Manifest {
  readonly stacks: Readonly<Record<string, { readonly workingDirectory: string; readonly synthesizedStackPath: string }>>;
}

/** Runs Terraform in `dir`, never asking for input; its output, or a CommandError naming what failed. */
function terraform(bin: string, args: readonly string[], dir: string, env: NodeJS.ProcessEnv): string {
  const run = spawnSync(bin, [...args], { cwd: dir, encoding: 'utf8', env: { ...env, TF_IN_AUTOMATION: '1' }, maxBuffer: 1 << 30 });
  if (run.error) throw new CommandError(`cannot run ${bin}: ${run.error.message} (set TERRAFORM_BINARY_NAME to its path)`);
  const command = args.filter((a) => !a.startsWith('-')).slice(0, 2).filter((a) => ['init', 'state', 'pull', 'push'].includes(a)).join(' ');
  if (run.status !== 0) throw new CommandError(`${bin} ${command} failed in ${dir}:\n${(run.stderr || run.stdout).trim().slice(-2000)}`);
  return run.stdout;
}

/**
 * Replaces `file` with `text`: a new file, never through one already there (a link planted
 * where the list goes would otherwise have it written wherever it points).
 */
function writeAfresh(file: string, text: string): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text, { flag: 'wx', mode: 0o644 });
}

/** Moves one stack's state; what it did, as a line. */
function migrateStack(name: string, outdir: string, entry: Manifest['stacks'][string], bin: string, env: NodeJS.ProcessEnv, dryRun: boolean): string {
  const dir = path.join(outdir, entry.workingDirectory);
  const stack = JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), 'utf8')) as StackJson;
  terraform(bin, ['init', '-input=false', '-no-color'], dir, env);
  const pulled = terraform(bin, ['state', 'pull'], dir, env).trim();
  if (pulled === '') return `${name}: no state yet, nothing to move\n`;
  const { moves, state } = shardMigration(JSON.parse(pulled) as StateV4, stack);
  if (state === undefined) return `${name}: nothing to move\n`;
  if (dryRun) return `${name}: ${moves.length} resource instances would move (dry run, nothing written):\n${moves.map((m) => `  ${m.from} -> ${m.to}\n`).join('')}`;
  // Beside the stack, readable by this user alone, and gone once pushed: a state can hold secrets.
  const scratch = fs.mkdtempSync(path.join(dir, '.state-migration-'));
  try {
    const file = path.join(scratch, 'state.json');
    fs.writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
    terraform(bin, ['state', 'push', file], dir, env);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return `${name}: ${moves.length} resource instances moved to their shards (state serial ${state.serial})\n`;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, write: Write): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: { 'dry-run': { type: 'boolean' }, ready: { type: 'string' } }, allowPositionals: true });
  const outdir = path.resolve(env.CDKTF_OUTDIR ?? 'cdktf.out');
  const manifestFile = path.join(outdir, 'manifest.json');
  // Written first, empty: whatever fails below, no stack is deployed as ready that was not.
  if (values.ready !== undefined) writeAfresh(values.ready, '');
  if (!fs.existsSync(manifestFile)) throw new CommandError(`no ${manifestFile}: run npx cdktf synth first`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
  const names = positionals.length > 0 ? positionals : Object.keys(manifest.stacks).filter((n) => n.startsWith('users-')).sort();
  const unknown = names.filter((n) => !n.startsWith('users-') || !Object.prototype.hasOwnProperty.call(manifest.stacks, n));
  if (unknown.length > 0) throw new CommandError(`not a synthesized users stack: ${unknown.join(', ')} (the users stacks: ${Object.keys(manifest.stacks).filter((n) => n.startsWith('users-')).join(', ') || 'none'})`);
  const bin = env.TERRAFORM_BINARY_NAME ?? 'terraform';
  const ready: string[] = [];
  const failed: string[] = [];
  // One stack that cannot be moved (its backend unreachable, a state written by something else)
  // must not keep every other database's removals from deploying.
  for (const name of names) {
    try {
      write(migrateStack(name, outdir, manifest.stacks[name], bin, env, values['dry-run'] === true));
      ready.push(name);
    } catch (error) {
      // Terraform failed, the state is not one to move, not JSON, not a state: this stack's problem alone.
      if (!(error instanceof Error)) throw error;
      failed.push(name);
      write(`${name}: not moved, not ready to deploy: ${error.message}\n`);
    }
  }
  if (values.ready !== undefined && !values['dry-run']) writeAfresh(values.ready, ready.map((n) => `${n}\n`).join(''));
  if (failed.length === 0) return 0;
  write(`migrate-state: ${failed.length} of ${names.length} users stacks failed: ${failed.join(', ')}\n`);
  return 1;
}

if (require.main === module) runCommand('migrate-state', main, { usage: USAGE });
