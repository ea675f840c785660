/* acl_file_test.c - ACL LOAD and ACL SAVE (acl_file.c) under the sanitizers: the replies
 * redis-server 7.0.15 gives to the same files (captured with --aclfile), the default user kept
 * as the same object, former users' clients closed, all-or-nothing refusal, fgets's 1023-byte
 * pieces and NUL bytes, and SAVE's temp file and round trip. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acl.h"
#include "cmdtest.h"

#define WARN \
  "WARNING: ACL errors detected, no change to the previously active ACL rules was performed"

static char dir[] = "/tmp/acl_file_test.XXXXXX";
static char path[256];

static void write_file(const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f == NULL) return;
  CHECK(fwrite(data, 1, len, f) == len);
  fclose(f);
}

static void write_str(const char *s) { write_file(s, strlen(s)); }

/* The ACL LOAD error reply for errors, FILE standing for the path. */
static const char *load_error(const char *errors) {
  static char want[8192];
  size_t at = (size_t)snprintf(want, sizeof want, "-ERR ");
  for (const char *p = errors; *p != '\0';) {
    if (strncmp(p, "FILE", 4) == 0) {
      at += (size_t)snprintf(want + at, sizeof want - at, "%s", path);
      p += 4;
    } else {
      want[at++] = *p++;
    }
  }
  snprintf(want + at, sizeof want - at, "%s\r\n", WARN);
  return want;
}

static void no_file(st_client *c) {
  const char *msg =
      "-ERR This Redis instance is not configured to use an ACL file. You may want to specify "
      "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
      "Redis configuration file set) in order to store users in the Redis configuration.\r\n";
  CHECK_REPLY(c, msg, "ACL", "LOAD");
  CHECK_REPLY(c, msg, "ACL", "SAVE");
  CHECK_REPLY(c, "-ERR wrong number of arguments for 'acl|load' command\r\n", "ACL", "LOAD", "x");
}

static void refusals(st_store *st, st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "keep", "on", "nopass", "+get", "~k*");
  write_str("user a on +nope ~x -bogus %Z allkeys\nfoo\nuser a off\nuser b (~x\n\nUSER c\n");
  CHECK_REPLY(c,
              load_error("FILE:1: Error in applying operation '+nope': Unknown command or category "
                         "name in ACL. FILE:1: Error in applying operation '-bogus': Unknown "
                         "command or category name in ACL. FILE:1: Syntax error. FILE:2 should "
                         "start with user keyword followed by the username. WARNING: Duplicate "
                         "user 'a' found on line 3. FILE:4: Unmatched parenthesis in selector "
                         "definition.FILE:6 should start with user keyword followed by the "
                         "username. "),
              "ACL", "LOAD");
  write_str("user a on #abc\n");
  CHECK_REPLY(c,
              load_error("FILE:1: The password hash must be exactly 64 characters and contain only "
                         "lowercase hexadecimal characters. "),
              "ACL", "LOAD");
  write_str("user a on allkeys ~x\nuser b\t on\nuser c on +config|get|x\n");
  CHECK_REPLY(c,
              load_error("FILE:1: Adding a pattern after the * pattern (or the 'allkeys' flag) "
                         "is not valid and does not have any effect. Try 'resetkeys' to start "
                         "with an empty list of patterns. 'FILE:2: username 'b\t' contains invalid "
                         "characters. FILE:3: Allowing first-arg of a subcommand is not "
                         "supported. "),
              "ACL", "LOAD");
  CHECK(acl_find(st, "keep", 4) != NULL);
  CHECK(acl_find(st, "a", 1) == NULL);
  unlink(path);
  char want[512];
  snprintf(want, sizeof want,
           "-ERR Error loading ACLs, opening file '%s': No such file or directory\r\n", path);
  CHECK_REPLY(c, want, "ACL", "LOAD");
  CHECK(acl_find(st, "keep", 4) != NULL);
}

static void loads(st_store *st, st_client *c) {
  st_user *def = st->acl->default_user;
  st_client *keep = st_client_new(st), *plain = st_client_new(st);
  CHECK_REPLY(keep, "+OK\r\n", "AUTH", "keep", "x");
  /* fgets pieces: the NUL drops the rest of its piece, the newline included. */
  static const char text[] = "\r\n  user zed on nopass ~z\0junk\n +get\n\tuser default on >pw ~* "
                             "&* +@all \r\nuser amy  off\n";
  write_file(text, sizeof text - 1);
  CHECK_REPLY(c, "+OK\r\n", "ACL", "LOAD");
  CHECK(st->acl->default_user == def);
  CHECK(keep->user == NULL && (keep->flags & CL_CLOSE_ASAP));
  CHECK(plain->user == def && !(plain->flags & CL_CLOSE_ASAP));
  CHECK(c->user == def);
  CHECK_REPLY(c,
              "*3\r\n$32\r\nuser amy off resetchannels -@all\r\n"
              "$93\r\nuser default on "
              "#30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~* &* +@all\r\n"
              "$46\r\nuser zed on nopass ~z resetchannels -@all +get\r\n",
              "ACL", "LIST");
  st_client *fresh = st_client_new(st);
  CHECK_REPLY(fresh, "-NOAUTH Authentication required.\r\n", "PING");
  /* A line longer than fgets's buffer, and no default user: it becomes Redis's initial one. */
  size_t n = 3000;
  char *big = malloc(n + 64);
  CHECK(big != NULL);
  int at = snprintf(big, n + 64, "user long on ~");
  memset(big + at, 'k', n);
  snprintf(big + at + n, 64, " +get\n");
  write_str(big);
  free(big);
  CHECK_REPLY(c, "+OK\r\n", "ACL", "LOAD");
  CHECK(st->acl->default_user == def && acl_find(st, "long", 4) != NULL);
  CHECK(acl_find(st, "long", 4)->root.nkeys == 1 && acl_find(st, "long", 4)->root.keys[0].len == n);
  CHECK_REPLY(c, "*2\r\n$7\r\ndefault\r\n$4\r\nlong\r\n", "ACL", "USERS");
  CHECK_REPLY(fresh, "+PONG\r\n", "PING");
  st_client_free(fresh);
  st_client_free(keep);
  st_client_free(plain);
}

static int temp_files(void) {
  DIR *d = opendir(dir);
  int n = 0;
  if (d == NULL) return -1;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (strstr(e->d_name, ".tmp-") != NULL) n++;
  closedir(d);
  return n;
}

static void saves(st_store *st, st_client *c) {
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SETUSER", "zoe", "on", ">pw", "~z*", "&c", "+@hash",
              "(+get ~g*)");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "SAVE");
  CHECK(temp_files() == 0);
  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  char got[4096] = { 0 };
  size_t len = f ? fread(got, 1, sizeof got - 1, f) : 0;
  if (f) fclose(f);
  got[len] = '\0';
  /* Line for line what ACL LIST says. */
  char want[4096] = { 0 };
  for (const st_user *u = st->acl->users; u != NULL; u = u->next) {
    char *line = acl_describe_user(u);
    strcat(want, line);
    strcat(want, "\n");
    free(line);
  }
  CHECK(strcmp(got, want) == 0);
  CHECK_REPLY(c, ":1\r\n", "ACL", "DELUSER", "zoe");
  CHECK_REPLY(c, "+OK\r\n", "ACL", "LOAD");
  CHECK(acl_find(st, "zoe", 3) != NULL && acl_find(st, "zoe", 3)->nselectors == 1);
  /* A directory that does not exist: Redis's error, and nothing left behind. */
  char bad[300];
  snprintf(bad, sizeof bad, "%s/missing/users.acl", dir);
  CHECK(acl_set_file(st, bad) == 0);
  CHECK_REPLY(c,
              "-ERR There was an error trying to save the ACLs. Please check the server logs for "
              "more information\r\n",
              "ACL", "SAVE");
  CHECK(acl_set_file(st, path) == 0);
  CHECK(temp_files() == 0);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL && mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/users.acl", dir);
  no_file(c);
  CHECK(acl_set_file(st, path) == 0);
  refusals(st, c);
  loads(st, c);
  saves(st, c);
  unlink(path);
  rmdir(dir);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("acl_file_test");
}
