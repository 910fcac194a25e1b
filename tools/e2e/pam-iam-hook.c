/*
 * The sandbox's PostgreSQL login hook, run by `pam_exec` for members of `rds_iam`:
 *
 *   auth required pam_exec.so expose_authtok quiet <this> <checker socket> <database key> tls
 *
 * reads the password (the token) that `expose_authtok` writes to standard input, takes the
 * user from PAM_USER, and exits 0 only if the checker accepts. With `tcp` (pg_hba's
 * `hostnossl`) no token is asked for: the checker refuses and says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include "iam-checker-client.h"

/* pam_exec passes at most PAM_MAX_RESP_SIZE (512) bytes; a longer read means a cut token. */
#define TOKEN_MAX 4096

int main(int argc, char **argv)
{
  static char token[TOKEN_MAX + 1];
  size_t got = 0;
  const char *user = getenv("PAM_USER");
  if (argc != 4 || !user) {
    fprintf(stderr, "usage: PAM_USER=<user> %s <checker socket> <database key> tls|tcp < token\n", argv[0]);
    return 2;
  }
  if (strcmp(argv[3], "tls") == 0) {
    ssize_t r;
    while (got < TOKEN_MAX && (r = read(0, token + got, TOKEN_MAX - got)) > 0) got += (size_t)r;
  }
  token[got] = '\0';
  /* expose_authtok ends the token with a NUL; strlen stops there. */
  return iam_checker_accepts(argv[1], argv[2], argv[3], user, token) ? 0 : 1;
}
