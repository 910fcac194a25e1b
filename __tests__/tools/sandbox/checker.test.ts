import { Signer } from '@aws-sdk/rds-signer';
import { CheckerState, checkLogin, Login, SandboxPrincipal, verdictLine } from '../../../tools/sandbox/checker';
import { signToken } from '../../../tools/sandbox/token';

// The permission set's policy as the identity-center stack writes it, references resolved.
const permissionSet = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'rds-db:connect', Resource: ['arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ORDERS/${aws:PrincipalTag/username}'] }],
};
const sso = (username: string | undefined): SandboxPrincipal => ({
  role: 'AWSReservedSSO_DatabaseAccess_0123456789abcdef',
  session: username ?? 'untagged',
  account: '123456789012',
  tags: username === undefined ? {} : { username },
  policies: [{ name: 'DatabaseAccess', document: permissionSet }],
});
const state: CheckerState = {
  databases: {
    orders: { host: '127.0.0.1', port: 5432, region: 'eu-west-1', account: '123456789012', resourceId: 'db-ORDERS' },
    // Same account and region, not in the policy.
    other: { host: '127.0.0.1', port: 5433, region: 'eu-west-1', account: '123456789012', resourceId: 'db-OTHER' },
  },
  principals: { alice: sso('alice'), bob: sso('bob'), untagged: sso(undefined) },
  keys: {
    AKIAALICE: { secretAccessKey: 'alice-secret', principal: 'alice' },
    AKIABOB: { secretAccessKey: 'bob-secret', principal: 'bob' },
    AKIAUNTAGGED: { secretAccessKey: 'untagged-secret', principal: 'untagged' },
  },
};
const NOW = new Date('2026-11-22T10:00:00Z');
const alice = { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret' };

function token(change: Partial<{ host: string; port: number; dbUser: string; region: string; signedAt: Date }> = {}, key = alice): Promise<string> {
  return signToken({ host: '127.0.0.1', port: 5432, dbUser: 'alice', region: 'eu-west-1', signedAt: NOW, ...change }, key);
}

async function check(login: Partial<Login> & { token?: string }, now = NOW) {
  return checkLogin({ database: 'orders', user: 'alice', transport: 'tls', ...login }, state, now);
}

describe('checkLogin', () => {
  test('accepts a token signed by a known key for this user, host and port, allowed by the policy', async () => {
    expect(await check({ token: await token() })).toEqual({ accepted: true, principal: 'alice' });
  });

  test("accepts the token @aws-sdk/rds-signer makes, as npm run connect signs it", async () => {
    const signer = new Signer({ hostname: '127.0.0.1', port: 5432, region: 'eu-west-1', username: 'alice', credentials: alice });
    expect(await checkLogin({ database: 'orders', user: 'alice', transport: 'tls', token: await signer.getAuthToken() }, state, new Date())).toEqual({ accepted: true, principal: 'alice' });
  });

  test('accepts a token until 15 minutes after it was signed', async () => {
    const at = new Date(NOW.getTime() + 15 * 60_000);
    expect(await check({ token: await token() }, at)).toMatchObject({ accepted: true });
  });

  test('refuses an expired token, one second past 15 minutes', async () => {
    const at = new Date(NOW.getTime() + 15 * 60_000 + 1000);
    expect(await check({ token: await token() }, at)).toMatchObject({ accepted: false, check: 'expiry', detail: expect.stringMatching(/expired at 2026-11-22T10:15:00.000Z/) });
  });

  test('refuses a token signed well in the future', async () => {
    expect(await check({ token: await token({ signedAt: new Date(NOW.getTime() + 10 * 60_000) }) })).toMatchObject({ accepted: false, check: 'expiry' });
  });

  test('refuses a wrong signature', async () => {
    const forged = await token({}, { accessKeyId: 'AKIAALICE', secretAccessKey: 'guessed' });
    expect(await check({ token: forged })).toMatchObject({ accepted: false, check: 'signature', principal: 'alice' });
  });

  test('refuses a token whose signed fields were edited', async () => {
    const edited = (await token()).replace('DBUser=alice', 'DBUser=bob');
    expect(await check({ user: 'bob', token: edited })).toMatchObject({ accepted: false, check: 'signature' });
  });

  test('refuses an unknown key', async () => {
    const stranger = await token({}, { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' });
    expect(await check({ token: stranger })).toMatchObject({ accepted: false, check: 'key', detail: 'access key AKIASTRANGER is unknown' });
  });

  test("refuses a login as another user than the token's", async () => {
    expect(await check({ user: 'bob', token: await token() })).toMatchObject({ accepted: false, check: 'user' });
  });

  test("refuses signing as another person's user name: the policy allows only one's own tag", async () => {
    const asBob = await token({ dbUser: 'bob' });
    expect(await check({ user: 'bob', token: asBob })).toMatchObject({
      accepted: false, check: 'policy', principal: 'alice', detail: expect.stringMatching(/dbuser:db-ORDERS\/bob: ImplicitlyDenied/),
    });
  });

  test('refuses a principal tagged as another person', async () => {
    const bobsKeyAsAlice = await token({}, { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret' });
    expect(await check({ token: bobsKeyAsAlice })).toMatchObject({ accepted: false, check: 'policy', principal: 'bob' });
  });

  test('refuses a principal without the username tag', async () => {
    const untagged = await token({ dbUser: 'untagged' }, { accessKeyId: 'AKIAUNTAGGED', secretAccessKey: 'untagged-secret' });
    expect(await check({ user: 'untagged', token: untagged })).toMatchObject({ accepted: false, check: 'policy' });
  });

  test('refuses another host or port than the database', async () => {
    expect(await check({ token: await token({ port: 5433 }) })).toMatchObject({ accepted: false, check: 'endpoint' });
    expect(await check({ token: await token({ host: 'localhost' }) })).toMatchObject({ accepted: false, check: 'endpoint' });
    expect(await check({ token: await token({ region: 'us-east-1' }) })).toMatchObject({ accepted: false, check: 'endpoint' });
  });

  test('refuses a database outside the policy', async () => {
    const other = await token({ port: 5433 });
    expect(await check({ database: 'other', token: other })).toMatchObject({ accepted: false, check: 'policy', detail: expect.stringMatching(/db-OTHER\/alice/) });
  });

  test('refuses plain TCP before looking at any token', async () => {
    expect(await check({ transport: 'tcp' })).toMatchObject({ accepted: false, check: 'transport', detail: expect.stringMatching(/plain TCP/) });
  });

  test('refuses what is not a token: a password, another action or service, a longer validity', async () => {
    const good = await token();
    for (const bad of ['hunter2', good.replace('Action=connect', 'Action=login'), good.replace('%2Frds-db%2F', '%2Fs3%2F'), good.replace('X-Amz-Expires=900', 'X-Amz-Expires=3600'), `${good}&extra=1`, good.slice(0, 300)]) {
      expect([bad.slice(0, 40), (await check({ token: bad })).accepted]).toEqual([bad.slice(0, 40), false]);
      expect(await check({ token: bad })).toMatchObject({ check: 'format' });
    }
  });

  test('logs one line per verdict, quoting what the client sent', async () => {
    const login: Login = { database: 'orders', user: 'bob\nforged', transport: 'tls', token: await token() };
    const line = verdictLine(login, await checkLogin(login, state, NOW), NOW);
    expect(line).toBe('2026-11-22T10:00:00.000Z refused database=orders user="bob\\nforged" principal="alice" check=user: signed for DB user "alice", login as "bob\\nforged"');
    expect(line.split('\n')).toHaveLength(1);
  });
});
