import { clientCommand, conninfoValue, ConnectTarget, generateToken, mysqlFlavor, printable, resolveTarget, ssoUsernameFromArn } from '../../../cli/connect/connect';
import { fleet } from '../../fixtures/fleet';

const outputs = {
  'database-pg': { endpoint: 'pg.abc123.eu-west-1.rds.amazonaws.com', port: 5432 },
  'database-amy': { endpoint: 'amy.cluster-abc123.us-east-1.rds.amazonaws.com', port: 3306 },
};
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('resolveTarget', () => {
  test('takes the endpoint from the deploy outputs and the rest from config.ts', () => {
    expect(resolveTarget({ database: 'amy', user: 'jane' }, fleet, outputs)).toEqual({
      database: 'amy', family: 'mysql', host: 'amy.cluster-abc123.us-east-1.rds.amazonaws.com', port: 3306,
      region: 'us-east-1', dbname: 'billing', user: 'jane',
    });
  });

  test('flags win, and a tunnel keeps the endpoint for signing', () => {
    const target = resolveTarget({ database: 'pg', user: 'jane', host: 'h.example', port: 6543, dbname: 'other', via: '127.0.0.1:15432' }, fleet, undefined);
    expect(target).toMatchObject({ host: 'h.example', port: 6543, dbname: 'other', via: { host: '127.0.0.1', port: 15432 } });
  });

  test('--reader picks the Aurora reader endpoint, and only for Aurora', () => {
    const withReader = { ...outputs, 'database-amy': { ...outputs['database-amy'], reader_endpoint: 'amy.cluster-ro-abc123.us-east-1.rds.amazonaws.com' } };
    expect(resolveTarget({ database: 'amy', user: 'jane', reader: true }, fleet, withReader).host).toBe('amy.cluster-ro-abc123.us-east-1.rds.amazonaws.com');
    expect(() => resolveTarget({ database: 'pg', user: 'jane', reader: true }, fleet, outputs)).toThrow(/pg is a single RDS instance \(postgres\); --reader applies to Aurora clusters only/);
  });

  test('fails when the database is unknown, listing the known ones', () => {
    expect(() => resolveTarget({ database: 'nope', user: 'jane' }, fleet, outputs)).toThrow(/Unknown database "nope". The databases are: amy, apg, my, pg./);
  });

  test('fails when no endpoint is known, saying where to get one', () => {
    expect(() => resolveTarget({ database: 'my', user: 'jane' }, fleet, outputs)).toThrow(/No endpoint known for my. Pass --host/);
  });

  test('fails when the user is not given', () => {
    expect(() => resolveTarget({ database: 'pg' }, fleet, outputs)).toThrow(/Pass --user <your Identity Center user name> or set RDS_IAM_USER/);
  });

  test.each([
    ['a host carrying another setting', { host: 'x hostaddr=127.0.0.1' }, /Host "x hostaddr=127\.0\.0\.1" is not a host name or IP address/],
    ['a host that is a mistyped address', { host: '999.1.1.1' }, /Host "999\.1\.1\.1" is not a host name/],
    ['a dbname that is an option', { dbname: '--ssl-mode=DISABLED' }, /--dbname "--ssl-mode=DISABLED" is not a database name/],
    ['a user with a space', { user: 'jane sslmode=disable' }, /User "jane sslmode=disable" is not a database user name/],
    ['a tunnel address out of range', { via: '999.1.1.1:99999' }, /--via "999\.1\.1\.1:99999" must be an IP address and port/],
    ['a tunnel port out of range', { via: '127.0.0.1:70000' }, /must be an IP address and port \(1-65535\)/],
  ])('fails when given %s', (_, change, message) => {
    expect(() => resolveTarget({ database: 'pg', user: 'jane', host: 'pg.example', ...change }, fleet, undefined)).toThrow(message);
  });

  test('fails when --via is not IP:port', () => {
    expect(() => resolveTarget({ database: 'pg', user: 'j', via: 'bastion' }, fleet, outputs)).toThrow(/--via "bastion" must be an IP address and port/);
  });
});

describe('ssoUsernameFromArn', () => {
  test('reads the Identity Center user name from a permission-set session', () => {
    expect(ssoUsernameFromArn('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DatabaseAccess_0123456789abcdef/jane.doe@example.com')).toBe('jane.doe@example.com');
  });

  test.each([
    'arn:aws:sts::123456789012:assumed-role/DeployRole/session',
    'arn:aws:iam::123456789012:user/jane',
    '',
  ])('knows no user name for %j', (arn) => {
    expect(ssoUsernameFromArn(arn)).toBeUndefined();
  });
});

describe('generateToken', () => {
  const target = resolveTarget({ database: 'pg', user: 'jane.doe' }, fleet, outputs);
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-06-15T12:00:00Z'), doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval'] }));
  afterEach(() => jest.useRealTimers());

  test('is a presigned connect URL for host:port and the user, valid 15 minutes', async () => {
    const token = await generateToken(target, { credentials });
    expect(token).toMatch(/^pg\.abc123\.eu-west-1\.rds\.amazonaws\.com:5432\/\?Action=connect&DBUser=jane\.doe&/);
    expect(token).toContain('X-Amz-Expires=900');
    expect(token).toContain('X-Amz-Date=20260615T120000Z');
    expect(token).toContain('X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260615%2Feu-west-1%2Frds-db%2Faws4_request');
    expect(token).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
  });

  test('is deterministic under a fixed clock', async () => {
    expect(await generateToken(target, { credentials })).toBe(await generateToken(target, { credentials }));
  });
});

describe('clientCommand', () => {
  const token = 'host:5432/?Action=connect&DBUser=jane&X-Amz-Signature=secret';
  const pg: ConnectTarget = { database: 'pg', family: 'postgres', host: 'pg.example', port: 5432, region: 'eu-west-1', dbname: 'app', user: 'jane' };
  const my: ConnectTarget = { ...pg, database: 'my', family: 'mysql', port: 3306, dbname: 'shop' };

  test('psql verifies the server fully against the CA, token in PGPASSWORD only', () => {
    const c = clientCommand(pg, token, '/ca.pem');
    expect(c).toEqual({
      command: 'psql',
      args: ['host=pg.example port=5432 dbname=app user=jane sslmode=verify-full sslrootcert=/ca.pem'],
      env: { PGPASSWORD: token },
    });
  });

  test('mysql verifies identity with the cleartext plugin, token in MYSQL_PWD only', () => {
    const c = clientCommand(my, token, '/ca.pem');
    expect(c.command).toBe('mysql');
    expect(c.args).toEqual(['--host=pg.example', '--port=3306', '--user=jane', '--ssl-ca=/ca.pem', '--ssl-mode=VERIFY_IDENTITY', '--enable-cleartext-plugin', '--database=shop']);
    expect(c.env).toEqual({ MYSQL_PWD: token });
  });

  test('through a tunnel psql still verifies the RDS name; mysql verifies the CA', () => {
    const via = { host: '127.0.0.1', port: 15432 };
    expect(clientCommand({ ...pg, via }, token, '/ca.pem').args[0]).toBe('host=pg.example port=15432 hostaddr=127.0.0.1 dbname=app user=jane sslmode=verify-full sslrootcert=/ca.pem');
    expect(clientCommand({ ...my, via }, token, '/ca.pem').args.slice(0, 2)).toEqual(['--host=127.0.0.1', '--port=15432']);
    expect(clientCommand({ ...my, via }, token, '/ca.pem').args).toContain('--ssl-mode=VERIFY_CA');
  });

  test("MariaDB's client verifies with --ssl-verify-server-cert, and is refused through a tunnel it cannot verify", () => {
    expect(mysqlFlavor('mysql  Ver 15.1 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)')).toBe('mariadb');
    expect(mysqlFlavor('mysql  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)')).toBe('mysql');
    const c = clientCommand(my, token, '/ca.pem', 'mariadb');
    expect(c.args).toEqual(['--host=pg.example', '--port=3306', '--user=jane', '--ssl-ca=/ca.pem', '--ssl-verify-server-cert', '--enable-cleartext-plugin', '--database=shop']);
    expect(() => clientCommand({ ...my, via: { host: '127.0.0.1', port: 13306 } }, token, '/ca.pem', 'mariadb')).toThrow(/cannot verify the RDS certificate through a tunnel/);
  });

  test('conninfo values are quoted by libpq rules, so a space or quote never starts another setting', () => {
    expect(conninfoValue('plain.example')).toBe('plain.example');
    expect(conninfoValue("/my certs/it's\\ca.pem")).toBe("'/my certs/it\\'s\\\\ca.pem'");
    const c = clientCommand(pg, token, '/my certs/ca.pem');
    expect(c.args[0]).toBe("host=pg.example port=5432 dbname=app user=jane sslmode=verify-full sslrootcert='/my certs/ca.pem'");
    expect(printable(c)).toBe(`PGPASSWORD=<redacted> psql 'host=pg.example port=5432 dbname=app user=jane sslmode=verify-full sslrootcert='\\''/my certs/ca.pem'\\'''`);
  });

  test.each([pg, my])('the token is never in argv nor in --print output ($family)', (target) => {
    const c = clientCommand(target, token, '/ca.pem');
    expect(c.args.join(' ')).not.toContain('secret');
    expect(printable(c)).not.toContain('secret');
    expect(printable(c)).toMatch(/^(PGPASSWORD|MYSQL_PWD)=<redacted> (psql|mysql) /);
  });
});
