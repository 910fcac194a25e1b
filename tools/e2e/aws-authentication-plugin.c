/*
 * A stand-in for RDS's AWSAuthenticationPlugin, for the real-engine tests only.
 *
 * RDS for MySQL/MariaDB ships a server plugin of this name; `CREATE USER … IDENTIFIED WITH
 * AWSAuthenticationPlugin AS 'RDS'` fails on a server that lacks it. This one lets a local
 * MariaDB accept exactly the statements RDS accepts, and refuses every login: checking IAM
 * tokens is not its job. Built by tools/e2e against the headers of Debian's server dev
 * package and declared stable (the server refuses plugins of lower maturity).
 */
#include <mysql/plugin_auth.h>

static int refuse_every_login(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info)
{
  (void)vio;
  (void)info;
  return CR_ERROR;
}

static struct st_mysql_auth aws_authentication = {
  MYSQL_AUTHENTICATION_INTERFACE_VERSION,
  "mysql_clear_password", /* what RDS asks clients for: the token, inside TLS */
  refuse_every_login,
  NULL, /* hash_password */
  NULL  /* preprocess_hash */
};

maria_declare_plugin(aws_authentication)
{
  MYSQL_AUTHENTICATION_PLUGIN,
  &aws_authentication,
  "AWSAuthenticationPlugin",
  "rds-iam-access tests",
  "Accepts RDS's IAM user statements; refuses every login",
  PLUGIN_LICENSE_GPL,
  NULL,
  NULL,
  0x0100,
  NULL,
  NULL,
  "1.0",
  MariaDB_PLUGIN_MATURITY_STABLE
}
maria_declare_plugin_end;
