/**
 * Terraform (or OpenTofu) as a user runs it on the synthesized stacks: `init` installs the
 * providers however this machine is set up to (the registry, or a mirror that
 * `TF_CLI_CONFIG_FILE` names), then `plan` / `apply` in the stack's folder.
 */
import { PRIVILEGED_PG_OPTIONS } from '../../lib/model/defaults';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** A provider as `required_providers` names it; no version takes any. */
export interface ProviderRequirement {
  readonly name: string;
  readonly source: string;
  readonly version?: string;
}

/** The providers the users stacks need, as the synthesized stacks pin them. */
export const DATABASE_PROVIDERS: readonly ProviderRequirement[] = [
  { name: 'postgresql', source: 'cyrilgdn/postgresql', version: '1.26.0' },
  { name: 'mysql', source: 'petoju/mysql', version: '~> 3.0' },
];

/** The AWS provider, any version: the existing-database checks need only its schema (mocked). */
export const AWS_PROVIDER: ProviderRequirement = { name: 'aws', source: 'hashicorp/aws' };

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** `TERRAFORM_BINARY_NAME`, else terraform, else tofu on PATH. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.TERRAFORM_BINARY_NAME, 'terraform', 'tofu'].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ['version'], { stdio: 'ignore', env }).status === 0);
}

/** Runs the binary in `cwd`, never waiting for input; resolves with what it printed and how long it took. */
export function terraform(bin: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    // PGOPTIONS: the PostgreSQL provider's sessions search only the catalog, as every deploy's should (PRIVILEGED_PG_OPTIONS).
    const child = spawn(bin, [...args], { cwd, env: { ...env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', PGOPTIONS: PRIVILEGED_PG_OPTIONS }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

/**
 * Whether `terraform init` can install these providers (by default both database providers)
 * here. Returns undefined when it can, else one line naming what is missing and how a user provides it.
 */
export async function providersMissing(
  bin: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  providers: readonly ProviderRequirement[] = DATABASE_PROVIDERS,
): Promise<string | undefined> {
  fs.mkdirSync(dir, { recursive: true });
  const missing: string[] = [];
  for (const provider of providers) {
    const probe = path.join(dir, provider.name);
    fs.mkdirSync(probe, { recursive: true });
    fs.writeFileSync(path.join(probe, 'main.tf.json'), JSON.stringify({
      terraform: { required_providers: { [provider.name]: { source: provider.source, ...(provider.version ? { version: provider.version } : {}) } } },
    }));
    const init = await terraform(bin, ['init', '-input=false', '-no-color', '-backend=false'], probe, env);
    if (init.status !== 0) missing.push(provider.version ? `${provider.source} ${provider.version}` : provider.source);
  }
  if (missing.length === 0) return undefined;
  return `${bin} init cannot install ${missing.join(' and ')}: give it registry access, or a filesystem mirror named by TF_CLI_CONFIG_FILE`;
}

export interface ResourceChange {
  readonly address: string;
  readonly actions: readonly string[];
}

/** One synthesized stack folder (`cdktf.out/stacks/<id>`), initialised once. */
export class StackDir {
  private initialised = false;

  constructor(
    readonly bin: string,
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** `terraform init`, once. Inits that share a plugin cache must not run at once (Terraform's cache is not safe for that). */
  async init(): Promise<void> {
    if (this.initialised && fs.existsSync(path.join(this.dir, '.terraform'))) return;
    const init = await terraform(this.bin, ['init', '-input=false', '-no-color'], this.dir, this.env);
    if (init.status !== 0) throw new Error(`terraform init failed in ${this.dir}:\n${init.stderr}${init.stdout}`);
    this.initialised = true;
  }

  private async run(args: string[]): Promise<Run> {
    await this.init();
    return terraform(this.bin, args, this.dir, this.env);
  }

  apply(...extra: string[]): Promise<Run> {
    return this.run(['apply', '-auto-approve', '-input=false', '-no-color', ...extra]);
  }

  /** `plan -detailed-exitcode`: status 0 when there is nothing to change, 2 when there is. */
  planExitCode(...extra: string[]): Promise<Run> {
    return this.run(['plan', '-input=false', '-no-color', '-detailed-exitcode', ...extra]);
  }

  /** The changes a plan would make, by resource instance (no-ops left out). */
  async plan(...extra: string[]): Promise<ResourceChange[]> {
    const planned = await this.run(['plan', '-input=false', '-no-color', '-out=e2e.tfplan', ...extra]);
    if (planned.status !== 0) throw new Error(`terraform plan failed in ${this.dir}:\n${planned.stderr}${planned.stdout}`);
    const shown = await this.run(['show', '-json', 'e2e.tfplan']);
    fs.rmSync(path.join(this.dir, 'e2e.tfplan'), { force: true });
    const json = JSON.parse(shown.stdout) as { resource_changes?: { address: string; change: { actions: string[] } }[] };
    return (json.resource_changes ?? [])
      .filter((c) => !(c.change.actions.length === 1 && ['no-op', 'read'].includes(c.change.actions[0])))
      .map((c) => ({ address: c.address, actions: c.change.actions }));
  }
}
