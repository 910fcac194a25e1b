import { Signer } from '@aws-sdk/rds-signer';
import { CheckerState, checkLogin, Login, SandboxPrincipal, verdictLine } from '../../../tools/sandbox/checker';
import { issueSession } from '../../../tools/sandbox/sts';
import { SigningKey, signToken } from '../../../tools/sandbox/token';

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
const NOW = new Date('2026-11-22T10:00:00Z');
// Permission-set sessions from the sandbox's STS, an hour long, issued a minute before NOW.
const issued = new Date(NOW.getTime() - 60_000);
const sessionOf = (principal: string) => issueSession(principal, issued, 3600);
const sessions = { alice: sessionOf('alice'), bob: sessionOf('bob'), untagged: sessionOf('untagged') };
const state: CheckerState = {
  databases: {
    orders: { host: '127.0.0.1', port: 5432, region: 'eu-west-1', account: '123456789012', resourceId: 'db-ORDERS' },
    // Same account and region, not in the policy.
    other: { host: '127.0.0.1', port: 5433, region: 'eu-west-1', account: '123456789012', resourceId: 'db-OTHER' },
  },
  principals: { alice: sso('alice'), bob: sso('bob'), untagged: sso(undefined) },
  sessions: Object.fromEntries(Object.values(sessions).map((s) => [s.accessKeyId, s.session])),
};
const credentialsOf = (who: keyof typeof sessions): Required<SigningKey> => ({
  accessKeyId: sessions[who].accessKeyId, secretAccessKey: sessions[who].session.secretAccessKey, sessionToken: sessions[who].session.sessionToken,
});
const alice = credentialsOf('alice');

function token(change: Partial<{ host: string; port: number; dbUser: string; region: string; signedAt: Date; sessionToken: string }> = {}, key: SigningKey = alice): Promise<string> {
  return signToken({ host: '127.0.0.1', port: 5432, dbUser: 'alice', region: 'eu-west-1', signedAt: NOW, ...change }, key);
}

async function check(login: Partial<Login> & { token?: string }, now = NOW) {
  return checkLogin({ database: 'orders', user: 'alice', transport: 'tls', ...login }, state, now);
}

describe('checkLogin', () => {
  test('accepts a token signed by a known key for this user, host and port, allowed by the policy', async () => {
    expect(await check({ token: await token() })).toEqual({ accepted: true, principal: 'alice' });
  });

  test("accepts the token @aws-sdk/rds-signer makes with a session's credentials, as npm run connect signs it: as long as a real session's", async () => {
    const now = new Date();
    const session = issueSession('alice', now, 3600);
    const credentials = { accessKeyId: session.accessKeyId, secretAccessKey: session.session.secretAccessKey, sessionToken: session.session.sessionToken };
    const signer = new Signer({ hostname: '127.0.0.1', port: 5432, region: 'eu-west-1', username: 'alice', credentials });
    const signed = await signer.getAuthToken();
    expect(signed.length).toBeGreaterThanOrEqual(1000);
    expect(signed.length).toBeLessThanOrEqual(1500);
    expect(signed).toMatch(/^127\.0\.0\.1:5432\/\?.*X-Amz-Security-Token=/);
    const withSession = { ...state, sessions: { ...state.sessions, [session.accessKeyId]: session.session } };
    expect(await checkLogin({ database: 'orders', user: 'alice', transport: 'tls', token: signed }, withSession, now)).toEqual({ accepted: true, principal: 'alice' });
  });

  test('issues credentials shaped like a session of AWS: ASIA key, 40-character secret, session token, expiry', () => {
    const { accessKeyId, session } = issueSession('alice', NOW, 3600);
    expect(accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(session.secretAccessKey).toHaveLength(40);
    expect(session.sessionToken.length).toBeGreaterThanOrEqual(700);
    expect(session).toMatchObject({ principal: 'alice', expiration: '2026-11-22T11:00:00.000Z' });
    expect(issueSession('alice', NOW, 3600).session.sessionToken).not.toBe(session.sessionToken);
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

  test('refuses a token dated more than 60 seconds ahead of its clock, accepts one 60 seconds ahead', async () => {
    const ahead = (seconds: number) => token({ signedAt: new Date(NOW.getTime() + seconds * 1000) });
    expect(await check({ token: await ahead(61) })).toMatchObject({ accepted: false, check: 'expiry', detail: expect.stringMatching(/signed in the future/) });
    expect(await check({ token: await ahead(5 * 60) })).toMatchObject({ accepted: false, check: 'expiry' });
    expect(await check({ token: await ahead(60) })).toMatchObject({ accepted: true });
  });

  test('refuses a session token the sandbox did not issue, with the key and secret of a session it did', async () => {
    const made = await token({ sessionToken: Buffer.alloc(700, 7).toString('base64') });
    expect(await check({ token: made })).toMatchObject({ accepted: false, check: 'session', principal: 'alice', detail: expect.stringMatching(/not the one issued/) });
  });

  test("refuses another session's token on one's own key", async () => {
    const mixed = await token({ sessionToken: sessions.bob.session.sessionToken });
    expect(await check({ token: mixed })).toMatchObject({ accepted: false, check: 'session' });
  });

  test('refuses a temporary key without its session token', async () => {
    const { sessionToken, ...bare } = alice;
    expect(sessionToken).toBeDefined();
    expect(await check({ token: await token({}, bare) })).toMatchObject({ accepted: false, check: 'session', detail: expect.stringMatching(/without its session token/) });
  });

  test('refuses a session token on a long-term key (AKIA…), which has none', async () => {
    const longTerm = await token({}, { ...alice, accessKeyId: alice.accessKeyId.replace(/^ASIA/, 'AKIA') });
    expect(await check({ token: longTerm })).toMatchObject({ accepted: false, check: 'session', detail: expect.stringMatching(/long-term key AKIA\w+ carries a session token/) });
  });

  test('refuses a token of credentials whose session has expired, though the token is fresh', async () => {
    const later = new Date(issued.getTime() + 3600_000 + 1000);
    expect(await check({ token: await token({ signedAt: new Date(later.getTime() - 2000) }) }, later)).toMatchObject({
      accepted: false, check: 'session', detail: expect.stringMatching(/expired at 2026-11-22T10:59:00.000Z/),
    });
  });

  test('refuses a session forgotten by the sandbox (its person removed)', async () => {
    const { [alice.accessKeyId]: _forgotten, ...rest } = state.sessions;
    expect(await checkLogin({ database: 'orders', user: 'alice', transport: 'tls', token: await token() }, { ...state, sessions: rest }, NOW)).toMatchObject({ accepted: false, check: 'key' });
  });

  test('refuses a wrong signature', async () => {
    const forged = await token({}, { ...alice, secretAccessKey: 'guessed' });
    expect(await check({ token: forged })).toMatchObject({ accepted: false, check: 'signature', principal: 'alice' });
  });

  test('refuses a token whose signed fields were edited', async () => {
    const edited = (await token()).replace('DBUser=alice', 'DBUser=bob');
    expect(await check({ user: 'bob', token: edited })).toMatchObject({ accepted: false, check: 'signature' });
  });

  test('refuses an unknown key', async () => {
    const stranger = await token({}, { accessKeyId: 'ASIASTRANGER', secretAccessKey: 'x', sessionToken: alice.sessionToken });
    expect(await check({ token: stranger })).toMatchObject({ accepted: false, check: 'key', detail: 'access key ASIASTRANGER is unknown' });
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
    const bobsKeyAsAlice = await token({}, credentialsOf('bob'));
    expect(await check({ token: bobsKeyAsAlice })).toMatchObject({ accepted: false, check: 'policy', principal: 'bob' });
  });

  test('refuses a principal without the username tag', async () => {
    const untagged = await token({ dbUser: 'untagged' }, credentialsOf('untagged'));
    expect(await check({ user: 'untagged', token: untagged })).toMatchObject({ accepted: false, check: 'policy' });
  });

  test('refuses another host or port than the database', async () => {
    expect(await check({ token: await token({ port: 5433 }) })).toMatchObject({ accepted: false, check: 'endpoint' });
    expect(await check({ token: await token({ host: 'localhost' }) })).toMatchObject({ accepted: false, check: 'endpoint' });
    expect(await check({ token: await token({ region: 'us-east-1' }) })).toMatchObject({ accepted: false, check: 'endpoint' });
  });

  test('refuses every other spelling of the endpoint, each signed as written, though it names the same address', async () => {
    for (const host of ['0x7f.1', '127.1', '2130706433', '0177.0.0.1', '127.0.0.01', '127.0.0.1.', '[::ffff:127.0.0.1]', 'LOCALHOST', 'localhost']) {
      expect([host, await check({ token: await token({ host }) })]).toEqual([host, expect.objectContaining({
        accepted: false, check: 'endpoint', detail: expect.stringContaining(`signed for ${host}:5432`),
      })]);
    }
  });

  test('refuses a token signed for the endpoint whose host was respelled afterwards (0x7f.1, 127.1): it is checked as written', async () => {
    for (const host of ['0x7f.1', '127.1']) {
      const respelled = (await token()).replace(/^127\.0\.0\.1:/, `${host}:`);
      expect([host, await check({ token: respelled })]).toEqual([host, expect.objectContaining({ accepted: false, check: 'signature' })]);
    }
  });

  test('refuses a port spelled otherwise than the endpoint (05432)', async () => {
    const zeroPadded = (await token()).replace(/^127\.0\.0\.1:5432\//, '127.0.0.1:05432/');
    expect(await check({ token: zeroPadded })).toMatchObject({ accepted: false });
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
