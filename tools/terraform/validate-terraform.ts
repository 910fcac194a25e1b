/**
 * `npm run validate:terraform`: `terraform validate` over the AWS side of every stack, with
 * the AWS provider from a local filesystem mirror (no registry). The mysql/postgresql
 * providers are not available here, so their provider blocks and resources are left out;
 * the provider password expression is kept in a local so the ephemeral secret wiring is
 * still checked. Skips, saying why, when there is no terraform or no mirror.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthFleets } from '../shared/synth-fleets';

const TERRAFORM = process.env.TERRAFORM_BINARY_NAME ?? 'terraform';
const MIRROR = process.env.RDS_IAM_TF_MIRROR ?? '/opt/tf-plugins';
const UNAVAILABLE_PROVIDERS = ['mysql', 'postgresql'];

function skip(reason: string): number {
  process.stdout.write(`terraform validate skipped: ${reason}\n`);
  return 0;
}

/** The stack as Terraform can validate it here: AWS side only, AWS provider pinned to the mirror. */
function awsSide(json: Record<string, any>, awsVersion: string): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(json));
  delete copy.terraform.backend;
  copy.terraform.required_providers = { aws: { source: 'hashicorp/aws', version: awsVersion } };
  for (const name of UNAVAILABLE_PROVIDERS) {
    const [provider] = copy.provider?.[name] ?? [];
    if (provider?.password) copy.locals = { ...copy.locals, [`${name}_provider_password`]: provider.password };
    delete copy.provider?.[name];
  }
  const unavailable = (type: string) => UNAVAILABLE_PROVIDERS.some((p) => type.startsWith(`${p}_`));
  for (const type of Object.keys(copy.resource ?? {})) {
    if (unavailable(type)) delete copy.resource[type];
  }
  // What stays (the users stacks' terraform_data waiting point) may wait on what went.
  for (const resources of Object.values<Record<string, { depends_on?: string[] }>>(copy.resource ?? {})) {
    for (const resource of Object.values(resources)) {
      if (!resource.depends_on) continue;
      resource.depends_on = resource.depends_on.filter((address) => !unavailable(address.split('.')[0]));
      if (resource.depends_on.length === 0) delete resource.depends_on;
    }
  }
  if (Number(awsVersion.split('.')[0]) < 6) withoutNewerThan5(copy);
  // Terraform JSON rejects empty blocks.
  for (const block of ['resource', 'provider', 'locals'] as const) {
    if (copy[block] && Object.keys(copy[block]).length === 0) delete copy[block];
  }
  return copy;
}

/**
 * The one 6.x-only setting the stacks use, left out for an older mirror (and said so once):
 * `default_auth_scheme` on `aws_db_proxy` (end-to-end IAM, where 5.x still requires an `auth`
 * block: a stand-in is added), and the plan-time check on an existing proxy that reads it.
 * Everything else of the proxy is still validated.
 */
const SIX_ONLY = 'default_auth_scheme';
let toldSixOnly = false;
function withoutNewerThan5(copy: Record<string, any>): void {
  let removed = false;
  for (const proxy of Object.values<Record<string, unknown>>(copy.resource?.aws_db_proxy ?? {})) {
    removed = delete proxy[SIX_ONLY] || removed;
    // 5.x requires an auth block, which end-to-end IAM (6.x) does without: a stand-in, here only.
    proxy.auth ??= [{ iam_auth: 'REQUIRED' }];
  }
  for (const lookup of Object.values<{ lifecycle?: { postcondition?: { condition: string }[] } }>(copy.data?.aws_db_proxy ?? {})) {
    const conditions = lookup.lifecycle?.postcondition;
    if (conditions) {
      lookup.lifecycle!.postcondition = conditions.filter((c) => !c.condition.includes(SIX_ONLY));
      removed ||= conditions.length !== lookup.lifecycle!.postcondition.length;
    }
  }
  if (removed && !toldSixOnly) {
    toldSixOnly = true;
    process.stdout.write(`  (${SIX_ONLY} of aws_db_proxy is 6.x-only: left out, with a stand-in auth block, for the mirror's 5.x provider)\n`);
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Diagnostic = { severity: string; summary: string; detail?: string };

/** init + validate in `dir`; undefined when valid, else what went wrong. */
async function validateDir(dir: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const init = await run(TERRAFORM, ['init', '-backend=false', '-input=false', '-no-color'], dir, env);
  if (init.status !== 0) return `  init: ${init.stderr || init.stdout}`;
  const validate = await run(TERRAFORM, ['validate', '-json', '-no-color'], dir, env);
  const report = JSON.parse(validate.stdout || '{}') as { valid?: boolean; diagnostics?: Diagnostic[] };
  if (report.valid) return undefined;
  return (report.diagnostics ?? []).map((d) => `  ${d.severity}: ${d.summary}${d.detail ? ` — ${d.detail}` : ''}`).join('\n') || validate.stderr;
}

async function main(): Promise<number> {
  if (spawnSync(TERRAFORM, ['version'], { stdio: 'ignore' }).status !== 0) return skip(`no ${TERRAFORM} on PATH`);
  // A mirror is laid out <hostname>/<namespace>/<type>/<version>/<platform>.
  const awsInMirror = fs.existsSync(MIRROR)
    ? fs.readdirSync(MIRROR).map((host) => path.join(MIRROR, host, 'hashicorp', 'aws')).find((dir) => fs.existsSync(dir))
    : undefined;
  const versions = awsInMirror ? fs.readdirSync(awsInMirror).sort() : [];
  if (versions.length === 0) return skip(`no hashicorp/aws in the provider mirror ${MIRROR} (set RDS_IAM_TF_MIRROR)`);
  const awsVersion = versions[versions.length - 1];
  process.stdout.write(`terraform validate with hashicorp/aws ${awsVersion} from ${MIRROR} (the bindings target 6.x)\n`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-validate-'));
  // Declared out here: read after the folder is gone. Removed whatever fails (a synth error, say).
  const results = new Map<string, string | undefined>();
  let stacks: ReturnType<typeof synthFleets> = [];
  try {
    const cliConfig = path.join(work, 'cli.tfrc');
    fs.writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(MIRROR)}\n  }\n}\n`);
    const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    stacks = synthFleets();
    for (const { name, json } of stacks) {
      fs.mkdirSync(path.join(work, name));
      fs.writeFileSync(path.join(work, name, 'main.tf.json'), JSON.stringify(awsSide(json, awsVersion), null, 1));
    }
    // A few stacks at a time: each terraform run mostly waits on loading the provider schema.
    const queue = stacks.map((s) => s.name);
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        results.set(name, await validateDir(path.join(work, name), env));
      }
    };
    await Promise.all(Array.from({ length: Math.max(2, os.cpus().length) }, worker));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  let failed = 0;
  for (const { name } of stacks) {
    const problem = results.get(name);
    if (problem !== undefined) failed++;
    process.stdout.write(problem === undefined ? `ok     ${name}\n` : `FAILED ${name}\n${problem}\n`);
  }
  process.stdout.write(`terraform validate: ${stacks.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code));
