import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AddressInfo } from 'net';
import { CheckerState } from '../../../tools/sandbox/checker';
import { stsServer } from '../../../tools/sandbox/sts';

const state: CheckerState = {
  databases: {},
  principals: {
    alice: { role: 'AWSReservedSSO_DatabaseAccess_0123456789abcdef', session: 'alice', account: '123456789012', tags: { username: 'alice' }, policies: [] },
  },
  keys: { AKIAALICE: { secretAccessKey: 'alice-secret', principal: 'alice' } },
};

describe('the emulated STS', () => {
  const server = stsServer(() => state, () => new Date());
  let endpoint = '';
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => {
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resolve();
  })));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const whoAmI = (secretAccessKey: string, accessKeyId = 'AKIAALICE') =>
    new STSClient({ region: 'eu-west-1', endpoint, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));

  test("answers the AWS SDK's GetCallerIdentity with the key's Identity Center session", async () => {
    expect(await whoAmI('alice-secret')).toMatchObject({
      Arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DatabaseAccess_0123456789abcdef/alice',
      Account: '123456789012',
    });
  });

  test('fails when the request is signed with a wrong secret', async () => {
    await expect(whoAmI('guessed')).rejects.toThrow(/signature we calculated does not match/);
  });

  test('fails when the key is unknown', async () => {
    await expect(whoAmI('x', 'AKIASTRANGER')).rejects.toThrow(/security token included in the request is invalid/);
  });
});
