/**
 * The first link: what the lists say about this name and this database. users.ts and
 * services.ts are read as data (never run); the entry is looked up in them as written, so a
 * name that differs only in case is named as such, then the access, the expiry and the whole
 * validation, as synth and the pull-request check see them.
 */
import { expiryEnd, hasExpired } from '../model/clock';
import { AppConfig, Tier, TIERS } from '../model/types';
import type { ProjectData } from '../validation/data-file';
import { ValidInputs, validateInputs } from '../validation/inputs';
import { ValidationError } from '../validation/problems';
import type { Link } from './chain';

/** Who the lists say this name is, once the link holds. */
export interface Listed {
  readonly kind: 'person' | 'service';
  readonly name: string;
  readonly tier: Tier;
  readonly inputs: ValidInputs;
}

export interface ListsRequest {
  readonly data: ProjectData;
  readonly database: string;
  readonly user: string;
  readonly now: Date;
  /** `RDS_IAM_<KEY>_*` connection variables, as synth reads them. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

type Entry = Readonly<Record<string, unknown>>;

const entriesOf = (list: unknown): Entry[] =>
  Array.isArray(list) ? list.filter((e): e is Entry => typeof e === 'object' && e !== null && !Array.isArray(e)) : [];

const quote = (s: string) => JSON.stringify(s);

/** Runs the lists link on `link`; resolves with what it found, or fails the link. */
export async function checkLists(link: Link, request: ListsRequest): Promise<Listed> {
  const { data, database, user, now } = request;
  const config = data.config as Partial<AppConfig> | undefined;
  const databases = config?.databases && typeof config.databases === 'object' ? Object.keys(config.databases) : [];
  if (!databases.includes(database)) {
    link.fail('database', `config.ts has no database ${quote(database)}; its databases are ${databases.sort().join(', ') || 'none'}`,
      'pass one of those keys (the key in config.ts, not the database name or endpoint)');
  }
  link.pass('database', `${database} is in config.ts`);

  const people = entriesOf(data.users);
  const services = entriesOf(data.services);
  const person = people.find((e) => e.username === user);
  const service = services.find((e) => e.name === user);
  const kind = person ? 'person' : service ? 'service' : undefined;
  const entry = person ?? service;
  if (!entry) {
    const folded = user.toLowerCase();
    const sameButCase = [...people.map((e) => ['users.ts', e.username]), ...services.map((e) => ['services.ts', e.name])]
      .find(([, name]) => typeof name === 'string' && name.toLowerCase() === folded);
    if (sameButCase) {
      link.fail('entry',
        `${sameButCase[0]} has ${quote(String(sameButCase[1]))}, not ${quote(user)}: names are case-sensitive (the database user, the token and the policy's tag compare them exactly)`,
        `spell it as Identity Center has it: if that is ${quote(user)}, change the entry in ${sameButCase[0]} in a pull request; otherwise pass --user ${String(sameButCase[1])}`);
    }
    link.fail('entry', `there is no entry for ${quote(user)} in users.ts or services.ts`,
      `add one in a pull request, e.g. { username: ${quote(user)}, access: { ${database}: 'read' }, reason: '<ticket>' } in users.ts (docs/getting-access.md); ` +
        'if you are in users.ts under another name, pass --user <that name>');
  }
  const file = kind === 'person' ? 'users.ts' : 'services.ts';
  link.pass('entry', `${file} has ${quote(user)}${typeof entry.displayName === 'string' ? ` (${entry.displayName})` : ''}`);

  const access = typeof entry.access === 'object' && entry.access !== null ? (entry.access as Record<string, unknown>) : {};
  const tier = Object.prototype.hasOwnProperty.call(access, database) ? access[database] : undefined;
  if (typeof tier !== 'string' || !(TIERS as readonly string[]).includes(tier)) {
    const has = Object.keys(access).sort();
    link.fail('access',
      tier === undefined
        ? `the entry gives ${has.length ? `access to ${has.join(', ')}` : 'no access'}, not to ${database}`
        : `the entry gives ${database} the tier ${quote(String(tier))}, which is none of ${TIERS.join(', ')}`,
      `add ${database}: '${tier === undefined ? 'read' : 'read|write|admin'}' to the entry's access in ${file}, in a pull request`);
  }
  link.pass('access', `${database}: ${tier}`);

  const expires = entry.expires;
  if (typeof expires === 'string' && hasExpired(expires, now)) {
    link.fail('expiry', `access ended at ${iso(expiryEnd(expires)!)} (expires: ${quote(expires)}); the next deploy locks or drops the database user`,
      `if you still need it, set a later expires in ${file} in a pull request (reviewed as a new grant); once deployed, the next apply restores your login and tier`);
  }
  link.pass('expiry', typeof expires === 'string' && expiryEnd(expires) ? `access until ${iso(expiryEnd(expires)!)}` : 'no expiry');

  let inputs: ValidInputs;
  try {
    inputs = validateInputs({ config: data.config as AppConfig, users: data.users, services: data.services, now, env: request.env, onExpired: 'drop' });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return link.fail('validation', `the lists do not validate, so nothing deploys from them:\n${error.message.trim()}`,
      'fix what is listed (npm run validate shows the same) in a pull request');
  }
  const granted = kind === 'person'
    ? inputs.validated.active.find((u) => u.username === user)?.access.get(database)
    : inputs.services.find((s) => s.name === user)?.access.get(database);
  if (granted !== tier) {
    link.fail('validation', `validation leaves ${quote(user)} without ${database} (an expiry or a check this link does not know); npm run validate says why`,
      'fix what npm run validate lists, in a pull request');
  }
  link.pass('validation', 'config.ts, users.ts and services.ts pass validation');
  return { kind: kind!, name: user, tier: tier as Tier, inputs };
}

/** `2026-07-01T00:00Z`: to the minute, UTC, as users.ts writes times. */
function iso(date: Date): string {
  return `${date.toISOString().slice(0, 16)}Z`;
}
