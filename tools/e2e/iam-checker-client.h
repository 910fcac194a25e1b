/*
 * How the AWSAuthenticationPlugin stand-in (MariaDB) hands a login to the sandbox's checker
 * (tools/sandbox/checker-daemon.ts): one line `database TAB transport TAB user TAB token LF` on
 * its Unix socket (mode 0600, in the sandbox's private folder; the server runs as the same
 * user), answered `ok` or `refused`. Any length: the token is written as it is, never copied
 * into a fixed buffer. (PostgreSQL needs no C: its `ldap` authentication reaches the checker.)
 */
#ifndef IAM_CHECKER_CLIENT_H
#define IAM_CHECKER_CLIENT_H

#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* A field may not carry the protocol's separators: a client could forge another field. */
static int iam_checker_plain(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
  return 1;
}

static int iam_checker_write(int fd, const char *s, size_t n)
{
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w <= 0) return 0;
    s += w;
    n -= (size_t)w;
  }
  return 1;
}

/* 1 when the checker accepts the login; 0 when it refuses, cannot be reached or does not answer in 10 s. */
static int iam_checker_accepts(const char *socket_path, const char *database, const char *transport, const char *user, const char *token)
{
  struct sockaddr_un addr;
  struct timeval timeout = {10, 0};
  char answer[16];
  size_t got = 0;
  int fd, ok;
  if (!iam_checker_plain(database) || !iam_checker_plain(transport) || !iam_checker_plain(user) || !iam_checker_plain(token)) return 0;
  if (strlen(socket_path) >= sizeof(addr.sun_path)) return 0;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  strcpy(addr.sun_path, socket_path);
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
       iam_checker_write(fd, database, strlen(database)) && iam_checker_write(fd, "\t", 1) &&
       iam_checker_write(fd, transport, strlen(transport)) && iam_checker_write(fd, "\t", 1) &&
       iam_checker_write(fd, user, strlen(user)) && iam_checker_write(fd, "\t", 1) &&
       iam_checker_write(fd, token, strlen(token)) && iam_checker_write(fd, "\n", 1);
  while (ok && got < sizeof(answer) - 1) {
    ssize_t r = read(fd, answer + got, sizeof(answer) - 1 - got);
    if (r <= 0) break;
    got += (size_t)r;
    if (memchr(answer, '\n', got)) break;
  }
  close(fd);
  answer[got] = '\0';
  return ok && strcmp(answer, "ok\n") == 0;
}

#endif
