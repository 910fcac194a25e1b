import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AddressInfo } from 'net';
import { CheckerState } from '../../../tools/sandbox/checker';
import { issueSession, stsServer } from '../../../tools/sandbox/sts';

const alice = issueSession('alice', new Date(), 3600);
const expired = issueSession('alice', new Date(Date.now() - 7200_000), 3600);
const state: CheckerState = {
  databases: {},
  principals: {
    alice: { role: 'AWSReservedSSO_DatabaseAccess_0123456789abcdef', session: 'alice', account: '123456789012', tags: { username: 'alice' }, policies: [] },
  },
  sessions: { [alice.accessKeyId]: alice.session, [expired.accessKeyId]: expired.session },
};

describe('the emulated STS', () => {
  const server = stsServer(() => state, () => new Date());
  let endpoint = '';
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => {
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resolve();
  })));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const whoAmI = (change: Partial<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> = {}, issued = alice) =>
    new STSClient({
      region: 'eu-west-1', endpoint, maxAttempts: 1,
      credentials: { accessKeyId: issued.accessKeyId, secretAccessKey: issued.session.secretAccessKey, sessionToken: issued.session.sessionToken, ...change },
    }).send(new GetCallerIdentityCommand({}));

  test("answers the AWS SDK's GetCallerIdentity with the session's Identity Center role session", async () => {
    expect(await whoAmI()).toMatchObject({
      Arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DatabaseAccess_0123456789abcdef/alice',
      Account: '123456789012',
    });
  });

  test('fails when the request is signed with a wrong secret', async () => {
    await expect(whoAmI({ secretAccessKey: 'guessed' })).rejects.toThrow(/signature we calculated does not match/);
  });

  test('fails when the key is unknown', async () => {
    await expect(whoAmI({ accessKeyId: 'ASIASTRANGER' })).rejects.toThrow(/security token included in the request is invalid/);
  });

  test('fails when the session token is not the one issued with the key, or missing', async () => {
    await expect(whoAmI({ sessionToken: Buffer.alloc(720, 1).toString('base64') })).rejects.toThrow(/security token included in the request is invalid/);
    await expect(new STSClient({
      region: 'eu-west-1', endpoint, maxAttempts: 1, credentials: { accessKeyId: alice.accessKeyId, secretAccessKey: alice.session.secretAccessKey },
    }).send(new GetCallerIdentityCommand({}))).rejects.toThrow(/security token included in the request is invalid/);
  });

  test('fails when the session has expired', async () => {
    await expect(whoAmI({}, expired)).rejects.toThrow(/security token included in the request is expired/);
  });
});
