/**
 * The second link: what this checkout deploys for the name. The users stack must declare the
 * database user in its tier, and the policy that deploys (the permission set's, or the
 * service's connect policy) must allow `rds-db:connect` on the database's `dbuser` ARN for
 * exactly that name, which the IAM policy simulator decides on the synthesized JSON with its
 * Terraform references resolved as Terraform would resolve them.
 */
import { deployedAccess } from '../access/deployed-access';
import { DEFAULT_ATTRIBUTE_KEY } from '../iam/policy';
import { tierRoleName } from '../model/tiers';
import { roleNameOf, SERVICE_ROLE_PREFIX } from '../model/types';
import type { StackJson } from '../terraform/synthesized';
import { entryPointIds, withResourceIds } from '../terraform/interpolate';
import type { Link } from './chain';
import type { Listed } from './lists';
import type { PolicyInForce, Simulate } from '../iam/simulate';

export interface DeploysRequest {
  readonly listed: Listed;
  readonly database: string;
  /** Every stack of the synthesized app, by name. */
  readonly stacks: Readonly<Record<string, StackJson>>;
  /** Database key → its deployed resource id (`db-…`/`cluster-…`), where the outputs file has it. */
  readonly resourceIds: Readonly<Record<string, string>>;
  readonly simulate: Simulate;
  /** The way in the login takes, when not the database's own endpoint. @default - the database itself */
  readonly entryPoint?: EntryPoint;
}

/** A database's proxy or one of its read replicas (cli/shared/entry-point.ts chooses it). */
export interface EntryPoint {
  /** `proxy` or `replica-<n>`: its id is `<key>/<name>` (entryPointIds). */
  readonly name: 'proxy' | `replica-${number}`;
  /** For messages: `the proxy`, `replica 2`. */
  readonly label: string;
  /** The environment config.ts puts a replica in, when not the database's own. */
  readonly environment?: string;
}

/** What the caller link then expects of the session. */
export interface Deployed {
  /** The role a session must be of: `AWSReservedSSO_<set>_…` for a person (a prefix), the service's role name. */
  readonly role: { readonly prefix: string } | { readonly name: string };
  readonly permissionSet?: string;
  readonly attributeKey: string;
  readonly account: string;
  readonly region: string;
  readonly resourceId?: string;
  /** The proxy or replica the token is for, when not the database itself: `the proxy`, `replica 2`. */
  readonly entryPoint?: string;
}

/** What Identity Center appends to the role it makes for a permission set; any 16 hex digits do for the simulation. */
const SSO_ROLE_SUFFIX = '0123456789abcdef';

export async function checkDeploys(link: Link, request: DeploysRequest): Promise<Deployed> {
  const { listed, database, stacks } = request;
  const { config } = listed.inputs;
  const db = config.databases[database];
  const way = request.entryPoint;
  // A replica in another environment has its ARN, and its tokens, in that environment's region.
  const { account, region } = config.environments[way?.environment ?? db.environment];
  const file = listed.kind === 'person' ? 'users.ts' : 'services.ts';

  const declared = deployedAccess(stacks).databases[database]?.people[listed.name];
  if (declared === undefined) {
    link.fail('database user', `the users-${database} stack does not declare ${listed.name}, though ${file} grants it`,
      'a bug in this checkout: run npm test; npm run access-report shows what each stack grants');
  }
  if (declared !== listed.tier && declared !== tierRoleName(listed.tier)) {
    link.fail('database user', `users-${database} gives ${listed.name} ${declared}, ${file} says ${listed.tier}`,
      'a bug in this checkout: run npm test; npm run access-report shows what each stack grants');
  }
  link.pass('database user', `users-${database} declares ${listed.name} in ${tierRoleName(listed.tier)}`);

  // Every database's id, the real one where the outputs have it: a reference to any database must resolve.
  const standIn = (key: string) => `db-STANDIN${key.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
  // Policies also name each proxy's and replica's id (`<key>/proxy`, `<key>/replica-<n>`): stand-ins unless given.
  const ids = Object.fromEntries(Object.entries(config.databases).flatMap(([key, db]) => entryPointIds(key, db)).map((id) => [id, request.resourceIds[id] ?? standIn(id)]));
  const resolve = (text: string): unknown => JSON.parse(withResourceIds(text, ids));
  const id = way ? `${database}/${way.name}` : database;
  // `pg's proxy`, `pg's replica 2`.
  const named = way ? `${database}'s ${way.label.replace(/^the /, '')}` : database;
  const resource = `arn:aws:rds-db:${region}:${account}:dbuser:${ids[id]}/${listed.name}`;
  if (request.resourceIds[id] === undefined) {
    link.note(way
      ? `the resource id of ${named} is not in the outputs file (${way.name === 'proxy' ? 'proxy_resource_id' : 'replica_resource_ids'}), so the policy was simulated with a stand-in id (${ids[id]})`
      : `${database}'s resource id is not in the outputs file, so the policy was simulated with a stand-in id (${ids[database]})`);
  }
  const through = way ? ` (${named})` : '';
  const where = way ? { entryPoint: way.label } : {};

  const ic = config.identityCenter;
  const attributeKey = ic?.attributeKey ?? DEFAULT_ATTRIBUTE_KEY;
  let principal: string;
  let tags: Record<string, string> = {};
  let policies: PolicyInForce[];
  let deployed: Deployed;
  let what: string;
  if (listed.kind === 'person') {
    const identityCenter = stacks['identity-center']?.resource ?? {};
    const setName = String(Object.values(identityCenter.aws_ssoadmin_permission_set ?? {})[0]?.name ?? ic?.permissionSetName ?? 'DatabaseAccess');
    policies = [
      ...Object.values(identityCenter.aws_ssoadmin_permission_set_inline_policy ?? {}).map((p) => ({ name: setName, document: resolve(String(p.inline_policy)) })),
      ...Object.entries(stacks).filter(([id]) => id.startsWith('connect-policy-'))
        .flatMap(([id, stack]) => Object.values(stack.resource?.aws_iam_policy ?? {}).map((p) => ({ name: `${id}/${String(p.name)}`, document: resolve(String(p.policy)) }))),
    ];
    principal = `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_${setName}_${SSO_ROLE_SUFFIX}/${listed.name}`;
    tags = { [attributeKey]: listed.name };
    what = `the permission set ${setName}'s policy, with the session tag ${attributeKey}=${listed.name},`;
    deployed = { role: { prefix: `AWSReservedSSO_${setName}_` }, permissionSet: setName, attributeKey, account, region, resourceId: request.resourceIds[id], ...where };
  } else {
    const service = listed.inputs.services.find((s) => s.name === listed.name)!;
    const roleName = 'arn' in service.role ? roleNameOf(service.role.arn) : `${SERVICE_ROLE_PREFIX}${service.name}`;
    const policyName = `${SERVICE_ROLE_PREFIX}${service.name}-connect`;
    policies = Object.values(stacks[`services-${service.environmentKey}`]?.resource?.aws_iam_policy ?? {})
      .filter((p) => p.name === policyName)
      .map((p) => ({ name: policyName, document: resolve(String(p.policy)) }));
    principal = `arn:aws:sts::${account}:assumed-role/${roleName}/doctor`;
    what = `the service's policy ${policyName} (on role ${roleName})`;
    deployed = { role: { name: roleName }, attributeKey, account, region, resourceId: request.resourceIds[id], ...where };
  }
  if (policies.length === 0) {
    link.fail('policy', `no policy that deploys gives ${listed.name} rds-db:connect (${listed.kind === 'person' ? 'no permission-set policy' : 'no connect policy for the service'} in the synthesized stacks)`,
      'a bug in this checkout: run npm test; npm run access-report lists the policies that deploy');
  }
  const decision = await request.simulate({ principalArn: principal, account, resource, tags, policies });
  if (decision !== 'Allowed') {
    // The policy names a proxy or replica once database-<key> has made it and the policy's stack is deployed after it.
    const first = way ? `deploy database-${database} (it makes ${way.label}), then ` : 'deploy ';
    link.fail('policy', `${what} does not allow rds-db:connect on ${resource}${through} (IAM policy simulator: ${decision})`,
      listed.kind === 'person'
        ? `${first}the identity-center stack (npm run deploy -- identity-center) so the policy names ${named}; if it does and this persists, it is a bug: npm test proves the policy`
        : `${first}services-${listed.inputs.services.find((s) => s.name === listed.name)!.environmentKey} (npm run deploy); if this persists, it is a bug: npm test proves the policy`);
  }
  // Exactly that name: the same session asking for another case of it is refused.
  const otherCase = listed.name === listed.name.toLowerCase() ? listed.name.toUpperCase() : listed.name.toLowerCase();
  const loose = otherCase === listed.name ? 'ImplicitlyDenied' : await request.simulate({
    principalArn: principal, account, resource: resource.replace(/[^/]+$/, otherCase), tags, policies,
  });
  if (loose === 'Allowed') {
    link.fail('policy', `${what} also allows ${otherCase}: the policy does not name exactly one database user`,
      'a bug in this checkout: the policy must end in the principal tag (people) or the one name (services); npm test proves it');
  }
  link.pass('policy', `${what} allows rds-db:connect on ${resource}${through}, for that name exactly (IAM policy simulator)`);
  return deployed;
}
