/*
 * A stand-in for RDS's AWSAuthenticationPlugin, for the real-engine tests and the sandbox.
 *
 * RDS for MySQL/MariaDB ships a server plugin of this name; `CREATE USER … IDENTIFIED WITH
 * AWSAuthenticationPlugin AS 'RDS'` fails on a server that lacks it. This one lets a local
 * MariaDB accept exactly the statements RDS accepts. It asks the client for the token in
 * cleartext (`mysql_clear_password`, as RDS does) and hands it to the sandbox's checker on
 * the socket `--awsauthenticationplugin-checker-socket` names; without one (the real-engine
 * tests) it refuses every login. Built by tools/e2e against the headers of Debian's server
 * dev package and declared stable (the server refuses plugins of lower maturity).
 */
#include <stdlib.h>
#include <mysql/plugin_auth.h>
#include "iam-checker-client.h"

/*
 * The longest token taken: PostgreSQL's limit on a password (64 KiB). A session's token is
 * about 1,000-1,500 bytes; no fixed buffer cuts it.
 */
#define TOKEN_MAX 65535

static char *checker_socket;
static char *database_key;

static int ask_the_checker(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info)
{
  unsigned char *packet;
  char *token;
  int length, accepted;
  MYSQL_PLUGIN_VIO_INFO connection;
  if (!checker_socket || !*checker_socket || !database_key) return CR_ERROR;
  length = vio->read_packet(vio, &packet);
  if (length < 0 || length > TOKEN_MAX) return CR_ERROR;
  token = malloc((size_t)length + 1);
  if (!token) return CR_ERROR;
  memcpy(token, packet, (size_t)length);
  /* mysql_clear_password sends the password with its NUL; strlen stops there. */
  token[length] = '\0';
  vio->info(vio, &connection);
  /*
   * The plugin API does not say whether the connection is TLS, and MariaDB checks
   * require_secure_transport and REQUIRE SSL only after the plugin: a plain-TCP login is
   * refused by the server, but the checker has seen its token (and logs it as TLS).
   */
  accepted = iam_checker_accepts(checker_socket, database_key, connection.protocol == MYSQL_VIO_TCP ? "tls" : "tcp", info->user_name, token);
  free(token);
  return accepted ? CR_OK : CR_ERROR;
}

static MYSQL_SYSVAR_STR(checker_socket, checker_socket, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "Unix socket of the sandbox's IAM token checker; empty refuses every login", NULL, NULL, "");
static MYSQL_SYSVAR_STR(database, database_key, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "The config.ts database key this server stands in for", NULL, NULL, "");
static struct st_mysql_sys_var *system_variables[] = {MYSQL_SYSVAR(checker_socket), MYSQL_SYSVAR(database), NULL};

static struct st_mysql_auth aws_authentication = {
  MYSQL_AUTHENTICATION_INTERFACE_VERSION,
  "mysql_clear_password", /* what RDS asks clients for: the token, inside TLS */
  ask_the_checker,
  NULL, /* hash_password */
  NULL  /* preprocess_hash */
};

maria_declare_plugin(aws_authentication)
{
  MYSQL_AUTHENTICATION_PLUGIN,
  &aws_authentication,
  "AWSAuthenticationPlugin",
  "rds-iam-access tests",
  "Accepts RDS's IAM user statements; checks logins with the sandbox's token checker",
  PLUGIN_LICENSE_GPL,
  NULL,
  NULL,
  0x0100,
  NULL,
  system_variables,
  "1.0",
  MariaDB_PLUGIN_MATURITY_STABLE
}
maria_declare_plugin_end;
