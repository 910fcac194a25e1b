import { envPrefix } from '../../../lib/model/connection';
import { validateConfig } from '../../../lib/validation/validate-config';
import { cloneFleet, fleet } from '../../fixtures/fleet';

describe('connection overrides', () => {
  test('names variables after the database key', () => {
    expect(envPrefix('orders-eu')).toBe('RDS_IAM_ORDERS_EU_');
  });

  test('reads RDS_IAM_<KEY>_* over config.ts', () => {
    const config = cloneFleet();
    config.databases.pg.connection = { host: 'pg.internal', sslMode: 'require', username: 'postgres' };
    const connections = validateConfig(config as typeof fleet, {
      RDS_IAM_PG_HOST: '127.0.0.1',
      RDS_IAM_PG_PORT: '15432',
      RDS_IAM_PG_LOGIN: 'password',
      RDS_IAM_PG_USERNAME: 'postgres',
    });
    expect(connections.pg).toEqual({ host: '127.0.0.1', port: 15432, login: 'password', username: 'postgres', sslMode: 'require' });
    expect(connections.my).toEqual({});
  });

  test('fails when a provider login name is set only on the runner, which review cannot see', () => {
    // The attack: users.ts grants a person the name the runner logs in as; review passes, the runner's synth fails.
    expect(() => validateConfig(fleet, { RDS_IAM_PG_LOGIN: 'iam', RDS_IAM_PG_USERNAME: 'deployer' }))
      .toThrow(/RDS_IAM_PG_USERNAME: login name "deployer" is not declared in config\.ts; set databases\.pg\.connection\.username to "deployer" \(the variable may only repeat it\)/);
    // The master's name is config.ts's (or the default), known to review.
    expect(validateConfig(fleet, { RDS_IAM_PG_LOGIN: 'password', RDS_IAM_PG_USERNAME: 'dbmaster' }).pg.username).toBe('dbmaster');
  });

  test('fails when connection variables are bad, listing all of them', () => {
    expect(() => validateConfig(fleet, {
      RDS_IAM_PG_PORT: 'fivefourthreetwo',
      RDS_IAM_PG_SSLMODE: 'disable',
      RDS_IAM_MY_LOGIN: 'token',
      RDS_IAM_APG_PROXY: 'socks5://bastion:1080',
      RDS_IAM_AMY_PROXY: 'socks5://bob:hunter2@bastion:1080',
    })).toThrow(/has 5 problems[\s\S]*amy.*proxy "socks5:\/\/bob:<redacted>@bastion:1080" carries credentials[\s\S]*apg.*proxy is supported by the MySQL provider only[\s\S]*my.*login "token"[\s\S]*pg.*port "fivefourthreetwo"[\s\S]*TLS cannot be turned off/);
    expect(() => validateConfig(fleet, { RDS_IAM_AMY_PROXY: 'socks5://bob:hunter2@bastion:1080' })).not.toThrow(/hunter2/);
  });

  test('fails when MySQL is asked for verify-ca, which its driver cannot do', () => {
    expect(() => validateConfig(fleet, { RDS_IAM_MY_SSLMODE: 'verify-ca', RDS_IAM_MY_CA_BUNDLE: '/etc/rds/global-bundle.pem' }))
      .toThrow(/my\.connection.*sslMode verify-ca is not possible on MySQL: its driver always checks the host name/);
    expect(validateConfig(fleet, { RDS_IAM_PG_SSLMODE: 'verify-ca', RDS_IAM_PG_CA_BUNDLE: '/etc/rds/global-bundle.pem' }).pg.sslMode).toBe('verify-ca');
  });

  test('fails when two database keys reach one server, whose roles and users they would share', () => {
    const tunnel = { RDS_IAM_PG_HOST: '127.0.0.1', RDS_IAM_APG_HOST: '127.0.0.1', RDS_IAM_PG_SSLMODE: 'verify-ca', RDS_IAM_APG_SSLMODE: 'verify-ca' };
    expect(() => validateConfig(fleet, tunnel))
      .toThrow(/databases\.pg\.connection \(or RDS_IAM_PG_\*\): reaches the same server as apg \(127\.0\.0\.1:5432\); tier roles and database users are server-wide/);
    // Another port is another server.
    expect(() => validateConfig(fleet, { ...tunnel, RDS_IAM_APG_PORT: '5433' })).not.toThrow();
  });

  test('fails when a tunnel host leaves TLS verification to a default that cannot pass there', () => {
    expect(() => validateConfig(fleet, { RDS_IAM_PG_HOST: '127.0.0.1', RDS_IAM_MY_HOST: '127.0.0.1' })).toThrow(
      /my\.connection.*host is set \(a tunnel\?\) but sslMode is not.*setting proxy.*opt out explicitly with sslMode 'require'[\s\S]*pg\.connection.*Set sslMode 'verify-ca'/,
    );
  });

  test('fails when the provider would sign its IAM token for a tunnel address', () => {
    expect(() => validateConfig(fleet, { RDS_IAM_PG_HOST: '127.0.0.1', RDS_IAM_PG_SSLMODE: 'verify-ca', RDS_IAM_PG_LOGIN: 'iam' }))
      .toThrow(/pg\.connection.*login iam signs the token for the host it connects to.*ALL_PROXY/);
    expect(() => validateConfig(fleet, { RDS_IAM_MY_PROXY: 'socks5://10.0.0.5:1080', RDS_IAM_MY_LOGIN: 'iam' })).not.toThrow();
  });

  test.each([
    ['a proxy with a path or query', { RDS_IAM_MY_PROXY: 'socks5://bastion:1080/x?y' }, /must look like socks5:\/\/host:port/],
    ['a proxy of another scheme', { RDS_IAM_MY_PROXY: 'ftp://bastion:21' }, /must look like socks5:\/\/host:port/],
    ['a user name that is not one', { RDS_IAM_PG_USERNAME: 'x${file("a")}' }, /login name "x\$\{file\(\\"a\\"\)\}" is not declared[^]*username "x\$\{file\(\\"a\\"\)\}" must be a database user name/],
    ['a CA path with a newline', { RDS_IAM_PG_CA_BUNDLE: '/a\nb.pem' }, /caBundle "\/a\\nb\.pem" must be the path of a PEM file/],
  ])('fails when given %s', (_, env, message) => {
    expect(() => validateConfig(fleet, env)).toThrow(message);
  });
});
