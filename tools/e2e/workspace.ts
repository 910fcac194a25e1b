/**
 * What the real-engine tests work in: a copy of the project whose example app is synthesized
 * against the harness's servers through the documented `RDS_IAM_<KEY>_*` overrides, and
 * whose users stacks Terraform applies. State lands in the copy, as it would in a checkout.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { envPrefix } from '../../lib/model/connection';
import { projectCopy } from '../shared/project-copy';
import { Certificates, ServerInfo } from './servers';
import { StackDir } from './terraform';
import { APP_RUNNER, COMMAND_RUNNER } from '../shared/typescript-runner';

/** Where run.ts puts the context file for the tests. */
export const CONTEXT_ENV = 'RDS_IAM_E2E_CONTEXT';

/** What the harness started, handed to the tests as JSON. */
export interface E2eContext {
  readonly terraform: string;
  readonly certs: Certificates;
  /** Database key of the example config.ts → the server standing in for it. */
  readonly servers: Readonly<Record<string, ServerInfo>>;
  /** Shared provider cache, so each stack folder's init links instead of copying. */
  readonly pluginCache: string;
  /** Why `hashicorp/aws` cannot be installed (the tests that need it skip, saying this), or absent when it can. */
  readonly awsProviderMissing?: string;
}

/** What `npm run audit -- --json` prints. */
export interface AuditReport {
  readonly exitCode: number;
  readonly databases: Readonly<Record<string, Readonly<Record<string, any>>>>;
}

export function loadContext(env: NodeJS.ProcessEnv = process.env): E2eContext {
  const file = env[CONTEXT_ENV];
  if (!file) throw new Error(`${CONTEXT_ENV} is not set: run the real-engine tests with npm run test:e2e`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as E2eContext;
}

/** Expiry is judged against this day, so the example's entries stay as they are. */
const NOW = '2026-06-15T00:00:00Z';

/** The `RDS_IAM_<KEY>_*` variables that point each database key's users stack at its local server. */
export function overridesFor(servers: Readonly<Record<string, ServerInfo>>, ca: string, change: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, server] of Object.entries(servers)) {
    const p = envPrefix(key);
    Object.assign(env, {
      [`${p}HOST`]: server.host, [`${p}PORT`]: String(server.port), [`${p}LOGIN`]: 'password',
      [`${p}USERNAME`]: server.masterUser, [`${p}SSLMODE`]: 'verify-full', [`${p}CA_BUNDLE`]: ca,
    });
  }
  return { ...env, ...change };
}

export interface WorkspaceOptions {
  /** A project copy to work in. @default - a new one in the temporary folder */
  readonly dir?: string;
  /** The day expiry is judged against; null for the system clock. @default - 2026-06-15, so the example's entries stay as they are */
  readonly now?: string | null;
}

export class Workspace {
  readonly dir: string;
  private readonly now: string | null;
  private readonly stacks = new Map<string, StackDir>();

  constructor(
    private readonly context: Pick<E2eContext, 'terraform' | 'certs' | 'servers' | 'pluginCache'>,
    options: WorkspaceOptions = {},
  ) {
    this.dir = options.dir ?? projectCopy('e2e-project-');
    this.now = options.now === undefined ? NOW : options.now;
  }

  /** Terraform's (and the audit's) environment: the master password where the providers read it (never on a command line). */
  private terraformEnv(password: string): NodeJS.ProcessEnv {
    return { ...process.env, PGPASSWORD: password, MYSQL_PASSWORD: password, TF_PLUGIN_CACHE_DIR: this.context.pluginCache };
  }

  /** Replaces users.ts with these entries (the example's shape, other order or content). */
  writeUsers(users: readonly unknown[]): void {
    fs.writeFileSync(path.join(this.dir, 'users.ts'), `export const users = ${JSON.stringify(users, null, 2)};\n`);
  }

  /** Edits the copy's config.ts: replaces `from`, which must be there, with `to`. */
  editConfig(from: string, to: string): void {
    const file = path.join(this.dir, 'config.ts');
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(from)) throw new Error(`config.ts of the example has no ${JSON.stringify(from)}`);
    fs.writeFileSync(file, text.replace(from, to));
  }

  /** Synthesizes the example app as `cdktf synth` would, with the overrides (and any changes to them). */
  synth(change: Record<string, string> = {}): void {
    const result = spawnSync(process.execPath, [...APP_RUNNER, 'main.ts'], {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env, ...overridesFor(this.context.servers, this.context.certs.ca, change), CDKTF_OUTDIR: path.join(this.dir, 'cdktf.out'),
        ...(this.now === null ? {} : { RDS_IAM_NOW: this.now }),
      },
    });
    if (result.status !== 0) throw new Error(`synth failed:\n${result.stderr}${result.stdout}`);
  }

  /**
   * `npm run audit -- <args> --json` in the copy, connecting through the same overrides as
   * the users stacks (as the master, password from the environment): its exit code and report.
   */
  audit(...args: string[]): { status: number | null; report: AuditReport; stderr: string } {
    // Every harness server has the same master password.
    const master = Object.values(this.context.servers)[0].masterPassword;
    const result = spawnSync(process.execPath, [...COMMAND_RUNNER, 'cli/audit/main.ts', ...args, '--json'], {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...this.terraformEnv(master), ...overridesFor(this.context.servers, this.context.certs.ca), ...(this.now === null ? {} : { RDS_IAM_NOW: this.now }) },
    });
    let report: AuditReport;
    try {
      report = JSON.parse(result.stdout) as AuditReport;
    } catch {
      throw new Error(`audit printed no JSON (exit ${result.status}):\n${result.stderr}${result.stdout}`);
    }
    return { status: result.status, report, stderr: result.stderr };
  }

  /** The synthesized users stack `users-<key>`, run with the master password of `key`'s server. */
  stack(key: string, password: string = this.context.servers[key].masterPassword): StackDir {
    const id = `users-${key}`;
    const cacheKey = `${id} ${password}`;
    if (!this.stacks.has(cacheKey)) {
      this.stacks.set(cacheKey, new StackDir(this.context.terraform, path.join(this.dir, 'cdktf.out', 'stacks', id), this.terraformEnv(password)));
    }
    return this.stacks.get(cacheKey)!;
  }

  /** Where the local backend keeps `users-<key>`'s state (the project root, as in a checkout). */
  statePath(key: string): string {
    return path.join(this.dir, `terraform.users-${key}.tfstate`);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
