/**
 * What the real-engine tests and the real-engine bench both need before they start: Terraform
 * and the database providers (else a reason to skip), the servers (installed if missing),
 * started on loopback in one work folder; and, whatever happens, everything stopped and
 * removed afterwards, also on Ctrl-C.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  buildAuthenticationPlugin, Certificates, ensureEngines, makeCertificates, RunningServer, startMariadb, startPostgres,
} from './servers';
import { findTerraform, providersMissing } from './terraform';

/** A database key and the local server standing in for it. */
export interface EngineTarget {
  readonly key: string;
  readonly engine: 'postgres' | 'mariadb';
  /** Databases created at start, as RDS does at launch. */
  readonly databases: readonly string[];
}

export interface Engines {
  readonly terraform: string;
  /** Removed at the end, with everything in it. */
  readonly workdir: string;
  readonly certs: Certificates;
  /** Shared provider cache, so each stack folder's init links instead of copying. */
  readonly pluginCache: string;
  /** The master password of every server. */
  readonly password: string;
  /** Database key → its running server. */
  readonly servers: Readonly<Record<string, RunningServer>>;
}

/**
 * What every use of the servers needs first, with `workdir` (which must exist) as its scratch
 * folder: Terraform, and `terraform init` able to install the database providers (into the
 * returned plugin cache), and the servers (installed from Debian's packages if missing). Else
 * why not, in one line.
 */
export async function preflight(workdir: string, log: (line: string) => void): Promise<{ skipped: string } | { terraform: string; pluginCache: string }> {
  const terraform = findTerraform();
  if (!terraform) return { skipped: 'no terraform or tofu on PATH (install Terraform >= 1.10 or OpenTofu >= 1.11)' };
  const pluginCache = path.join(workdir, 'plugin-cache');
  fs.mkdirSync(pluginCache, { recursive: true });
  const missing =
    (await providersMissing(terraform, path.join(workdir, 'provider-probe'), { ...process.env, TF_PLUGIN_CACHE_DIR: pluginCache })) ?? ensureEngines(log);
  return missing ? { skipped: missing } : { terraform, pluginCache };
}

/**
 * Runs `work` with the targets' servers up, or returns why it cannot (no Terraform, a provider
 * `terraform init` cannot install, servers that cannot be installed) without running it.
 */
export async function withEngines<T>(
  targets: readonly EngineTarget[],
  prefix: string,
  log: (line: string) => void,
  work: (engines: Engines) => Promise<T>,
): Promise<{ skipped: string } | { result: T }> {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // PostgreSQL runs as its own user (never root) and must reach its folder inside.
  fs.chmodSync(workdir, 0o711);
  const running: RunningServer[] = [];
  const cleanUp = () => {
    for (const server of running.splice(0)) server.stop();
    fs.rmSync(workdir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const ready = await preflight(workdir, log);
    if ('skipped' in ready) return ready;
    const { terraform, pluginCache } = ready;
    const certs = makeCertificates(path.join(workdir, 'tls'));
    const pluginDir = targets.some((t) => t.engine === 'mariadb') ? buildAuthenticationPlugin(path.join(workdir, 'plugin')) : '';
    const password = randomBytes(18).toString('base64url');
    const servers: Record<string, RunningServer> = {};
    // Settled, not all: a server that fails must not leave the others starting unseen by cleanUp.
    const started = await Promise.allSettled(targets.map(async ({ key, engine, databases }) => {
      const dir = path.join(workdir, `${engine}-${key}`);
      const server = engine === 'postgres' ? await startPostgres(dir, certs, databases, password) : await startMariadb(dir, certs, databases, password, pluginDir);
      running.push(server);
      servers[key] = server;
    }));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return { result: await work({ terraform, workdir, certs, pluginCache, password, servers }) };
  } finally {
    cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
