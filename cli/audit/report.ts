import { Findings, Session } from '../../lib/audit/findings';
import type { EngineFamily } from '../../lib/model/types';

/**
 * One audited database: what differs, what the audit did, or why it could not look; with
 * `replicas` when config.ts gives it read replicas. `status` counts the replicas' sessions too.
 */
export type DatabaseAudit =
  | {
    readonly status: 'clean' | 'drift';
    readonly family: EngineFamily;
    readonly server: string;
    /** What is still different after the actions. */
    readonly findings: Findings;
    readonly actions: readonly AuditAction[];
    readonly replicas?: Readonly<Record<string, ReplicaAudit>>;
  }
  | { readonly status: 'unreachable'; readonly error: string; readonly replicas?: Readonly<Record<string, ReplicaAudit>> };

/**
 * One read replica (`replica-<n>`): sessions are per server, so only its open sessions of
 * people without access; its users and grants are the database's, judged there.
 */
export type ReplicaAudit =
  | {
    readonly status: 'clean' | 'drift';
    readonly server: string;
    /** Still open after the actions. */
    readonly findings: Pick<Findings, 'sessionsWithoutAccess'>;
    readonly actions: readonly AuditAction[];
  }
  | { readonly status: 'unreachable'; readonly error: string };

export type AuditAction =
  | { readonly action: 'ended-session'; readonly session: Session }
  | { readonly action: 'dropped-role'; readonly role: string }
  | { readonly action: 'redefined-view'; readonly view: string }
  | { readonly action: 'failed'; readonly what: string; readonly error: string };

/** 0 clean, 1 drift, 2 a database or one of its replicas could not be audited. */
export function exitCode(audits: Readonly<Record<string, DatabaseAudit>>): 0 | 1 | 2 {
  const all = Object.values(audits);
  const replicas = all.flatMap((a) => Object.values(a.replicas ?? {}));
  if ([...all, ...replicas].some((a) => a.status === 'unreachable')) return 2;
  return [...all, ...replicas].some((a) => a.status === 'drift') ? 1 : 0;
}

/** A database name as a terminal may print it: quoted, with escapes, when it is anything but plain. */
export function shown(name: string): string {
  return /^[\w.@+=:/-]+$/.test(name) ? name : JSON.stringify(name);
}

function sessionText(s: Session): string {
  return `session ${s.id} of ${shown(s.user)}${s.client ? ` from ${shown(s.client)}` : ''}${s.since ? ` since ${s.since}` : ''}`;
}

/** The findings as lines, the fix in each. */
export function findingLines(f: Findings): string[] {
  return [
    ...f.undeclared.map((u) => `IAM user not in users.ts: ${shown(u)} (add them to users.ts, or drop the user)`),
    ...f.missing.map((m) => `in users.ts but cannot log in with IAM here: ${shown(m.user)} (${m.tier}); deploy the users stack`),
    ...f.wrongTier.map((w) => `tier differs: ${shown(w.user)} is in ${w.actual.length > 0 ? w.actual.map(shown).join(', ') : 'no tier role'}, users.ts says ${w.declared}`),
    ...f.unmanagedTierMembers.map((m) => `member of ${shown(m.tier)} not from users.ts: ${shown(m.member)} (granted by hand; revoke it or declare them)`),
    ...f.leftBehind.map((r) => `role left by a removal, IAM login already revoked: ${shown(r)} (drop it with --drop-departed)`),
    ...f.sessionsWithoutAccess.map((s) => `open ${sessionText(s)}, who has no access now (end it with --terminate)`),
    ...f.unknownLogins.map((r) => `LOGIN role nobody declared: ${shown(r)} (not the master, a provider login, users.ts, services.ts or RDS's own; drop it, or declare it)`),
    ...f.departedDefiners.map((d) => `${d.kind} ${shown(d.object)} runs as ${shown(d.definer)}, who left (adopt it: re-own or re-define it, or drop it; see docs/getting-access.md)`),
    ...f.tierDefiners.map((d) => `${d.kind} ${shown(d.object)} runs as ${shown(d.definer)} for lower tiers too (lends that tier's rights, and outlives whoever made it: re-define it to run as the invoker, or drop it)`),
  ];
}

function actionLine(a: AuditAction): string {
  switch (a.action) {
    case 'ended-session':
      return `ended ${sessionText(a.session)}`;
    case 'dropped-role':
      return `dropped role ${shown(a.role)}, what it owned now iam_departed's`;
    case 'redefined-view':
      return `re-defined view ${shown(a.view)} to run as iam_read`;
    case 'failed':
      return `could not ${a.what}: ${a.error.replace(/\s+/g, ' ').replace(/\p{Cc}/gu, (c) => JSON.stringify(c).slice(1, -1))}`;
  }
}

const NO_FINDINGS: Findings = {
  undeclared: [], missing: [], wrongTier: [], unmanagedTierMembers: [], leftBehind: [], sessionsWithoutAccess: [], unknownLogins: [], departedDefiners: [], tierDefiners: [],
};

/** A replica's lines under its database: a head naming it and its server, then what it did and found. */
function replicaLines(name: string, r: ReplicaAudit): string[] {
  if (r.status === 'unreachable') return [`${name}: cannot connect: ${r.error}`];
  const head = `${name} (replica, ${r.server}): ${r.status === 'clean' ? 'no session of anyone without access' : 'sessions of people without access'}`;
  return [head, ...[...r.actions.map(actionLine), ...findingLines({ ...NO_FINDINGS, ...r.findings })].map((l) => `  ${l}`)];
}

/** The audit as text: one block per database, its replicas in it. */
export function auditText(audits: Readonly<Record<string, DatabaseAudit>>): string {
  const blocks: string[] = [];
  for (const [key, audit] of Object.entries(audits)) {
    const replicas = Object.entries(audit.replicas ?? {}).flatMap(([name, r]) => replicaLines(name, r));
    const [head, lines] = audit.status === 'unreachable'
      ? [`${key}: cannot connect: ${audit.error}`, replicas]
      : [`${key} (${audit.family}, ${audit.server}): ${audit.status === 'clean' ? 'as users.ts says' : 'differs from users.ts'}`,
        [...audit.actions.map(actionLine), ...findingLines(audit.findings), ...replicas]];
    blocks.push([head, ...lines.map((l) => `  ${l}`)].join('\n'));
  }
  return `${blocks.join('\n')}\n`;
}

/** The audit as JSON, for pipelines: `{ exitCode, databases: { <key>: { …, replicas?: { 'replica-<n>': … } } } }`. */
export function auditJson(audits: Readonly<Record<string, DatabaseAudit>>): string {
  return `${JSON.stringify({ exitCode: exitCode(audits), databases: audits }, null, 2)}\n`;
}
