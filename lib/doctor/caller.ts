/**
 * The third link: the AWS session the token would be signed with. Its credentials must load,
 * STS must know them, and the session must be the one the policy allows: a permission-set
 * session of this very person (Identity Center names the session after the user, and tags it
 * with the same name by default), or the service's role; in the database's account, with the
 * token signed for the database's region.
 */
import { DEFAULT_ATTRIBUTE_SOURCE } from '../iam/policy';
import type { Link } from './chain';
import type { Deployed } from './deploys';
import type { Listed } from './lists';

export interface CallerCredentials {
  readonly accessKeyId: string;
  readonly expiration?: Date;
}

export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
}

/** STS as the doctor needs it: each throws the SDK's error. Tests hand in their own. */
export interface Sts {
  credentials(): Promise<CallerCredentials>;
  identity(): Promise<CallerIdentity>;
}

export interface CallerRequest {
  readonly sts: Sts;
  /** The profile named by --profile or AWS_PROFILE, for messages. */
  readonly profile?: string;
  readonly listed: Listed;
  readonly deployed: Deployed;
  /** The endpoint the token will be signed for, where known. */
  readonly host?: string;
  readonly now: Date;
}

/** `…:assumed-role/<role>/<session>` of an STS ARN. */
export function assumedRole(arn: string): { readonly role: string; readonly session: string } | undefined {
  const m = /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return m ? { role: m[1], session: m[2] } : undefined;
}

/** The region in an RDS endpoint name (`x.abc.eu-west-1.rds.amazonaws.com`), or undefined for any other name. */
export function endpointRegion(host: string): string | undefined {
  return /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.rds\.amazonaws\.com(?:\.cn)?$/.exec(host.toLowerCase())?.[1];
}

const login = (profile?: string) => `aws sso login${profile ? ` --profile ${profile}` : ''}`;

/** What went wrong loading credentials or asking STS, and the fix, from the SDK's message. */
export function credentialProblem(error: unknown, profile: string | undefined): { wrong: string; fix: string } {
  const message = error instanceof Error ? error.message : String(error);
  const use = `${login(profile)}, then pass --profile ${profile ?? '<your SSO profile>'} (or set AWS_PROFILE)`;
  if (/expired|refresh failed|UnauthorizedException/i.test(message)) return { wrong: `your AWS SSO session has expired (${message})`, fix: `run ${use}` };
  if (/Could not load credentials|credential|profile/i.test(message)) {
    return { wrong: `no AWS credentials${profile ? ` for profile ${profile}` : ''} (${message})`, fix: `run ${use}` };
  }
  return { wrong: `AWS refused or could not be reached: ${message}`, fix: `check your network and the profile's region and endpoint, then ${use}` };
}

export async function checkCaller(link: Link, request: CallerRequest): Promise<void> {
  const { sts, profile, listed, deployed } = request;
  let credentials: CallerCredentials;
  try {
    credentials = await sts.credentials();
  } catch (error) {
    const { wrong, fix } = credentialProblem(error, profile);
    return link.fail('credentials', wrong, fix);
  }
  if (credentials.expiration && credentials.expiration.getTime() <= request.now.getTime()) {
    link.fail('credentials', `the credentials${profile ? ` of profile ${profile}` : ''} expired at ${credentials.expiration.toISOString()}`, `run ${login(profile)}`);
  }
  const key = credentials.accessKeyId;
  link.pass('credentials', `${profile ? `profile ${profile}` : 'the default credential chain'}: access key ${key.slice(0, 4)}…${key.slice(-4)}` +
    (credentials.expiration ? `, valid until ${credentials.expiration.toISOString()}` : ''));

  let identity: CallerIdentity;
  try {
    identity = await sts.identity();
  } catch (error) {
    const { wrong, fix } = credentialProblem(error, profile);
    return link.fail('identity', `STS GetCallerIdentity failed: ${wrong}`, fix);
  }
  link.pass('identity', identity.arn);

  if (identity.account !== deployed.account) {
    link.fail('account', `your session is in account ${identity.account}; the database is in ${deployed.account}, and rds-db:connect is granted only in the database's own account`,
      listed.kind === 'person'
        ? `sign in to account ${deployed.account} with the ${deployed.permissionSet} permission set: a profile with sso_account_id = ${deployed.account} and sso_role_name = ${deployed.permissionSet}`
        : `run as the service's role in account ${deployed.account}`);
  }
  link.pass('account', `${identity.account}, the database's`);

  const session = assumedRole(identity.arn);
  if (listed.kind === 'person') {
    const prefix = 'prefix' in deployed.role ? deployed.role.prefix : '';
    if (!session || !session.role.startsWith(prefix)) {
      link.fail('session', `${identity.arn} is not a session of the ${deployed.permissionSet} permission set, so it has no rds-db:connect policy and no ${deployed.attributeKey} tag`,
        `use a profile with sso_role_name = ${deployed.permissionSet} (aws configure sso), then ${login('<that profile>')} and --profile <that profile>`);
    }
    if (session.session !== listed.name) {
      const caseOnly = session.session.toLowerCase() === listed.name.toLowerCase();
      link.fail('session name', caseOnly
        ? `Identity Center calls you ${JSON.stringify(session.session)}, users.ts ${JSON.stringify(listed.name)}: the ${deployed.attributeKey} tag carries ${JSON.stringify(session.session)}, and the policy allows only the database user of that exact name`
        : `this session is ${JSON.stringify(session.session)}'s, not ${JSON.stringify(listed.name)}'s (another person's profile?): its ${deployed.attributeKey} tag lets it connect only as ${JSON.stringify(session.session)}`,
      caseOnly
        ? `change the entry in users.ts to ${JSON.stringify(session.session)}, exactly as Identity Center spells it, in a pull request`
        : `sign in as ${listed.name} with your own profile (${login('<your profile>')}) and pass --profile <your profile>; or check ${session.session} with --user ${session.session}`);
    }
    link.pass('session name', `${session.session}, as in users.ts`);
    const source = listed.inputs.config.identityCenter?.attributeSource ?? DEFAULT_ATTRIBUTE_SOURCE;
    if (source === DEFAULT_ATTRIBUTE_SOURCE) {
      link.pass('tag', `${deployed.attributeKey} comes from ${source}, the user name the session is named after`);
    } else {
      link.note(`the ${deployed.attributeKey} tag comes from ${source}, not the user name: a session cannot show its tags, so check in Identity Center that it is ${JSON.stringify(listed.name)} for you`);
    }
  } else {
    const expected = 'name' in deployed.role ? deployed.role.name : '';
    if (!session || session.role !== expected) {
      link.fail('session', `${identity.arn} is not a session of the service's role ${expected}`,
        `run as that role: on the service's compute, or with a profile that assumes it (role_arn = arn:aws:iam::${deployed.account}:role/…${expected})`);
    }
    link.pass('session', `role ${expected}, the one the connect policy is attached to`);
  }

  const endpoint = request.host ? endpointRegion(request.host) : undefined;
  // A replica in another environment is signed for that environment's region (the deploys link said which).
  const what = deployed.entryPoint ? `the database's ${deployed.entryPoint.replace(/^the /, '')}` : 'the database';
  if (endpoint !== undefined && endpoint !== deployed.region) {
    link.fail('region', `the endpoint ${request.host} is in ${endpoint}, but config.ts puts ${what} in ${deployed.region}: the token is signed for ${deployed.region} and RDS refuses it`,
      deployed.entryPoint?.startsWith('replica')
        ? 'correct the region of the replicas\' environment (replicas.environment) in config.ts (or the endpoint in the outputs file)'
        : 'correct the environment\'s region in config.ts (or the endpoint in the outputs file)');
  }
  link.pass('region', `tokens are signed for ${deployed.region}${deployed.entryPoint ? `, where config.ts puts ${what}` : ''}${endpoint ? ', the endpoint\'s region' : ''}`);
}
