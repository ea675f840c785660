/* acl_conf_test.c - users defined in the configuration (acl_conf.c) under the sanitizers: the
 * check of a `user` line (Redis 7.0.15's reasons and the quirky index of the word it names;
 * unknown command names pass), and the definition (ACL LIST as redis-server lists the same
 * redis.conf lines; `default` reset in place; unknown names and spaces refused with Redis's log
 * text). */
#include <stdlib.h>

#include "acl.h"
#include "acl_conf.h"
#include "cmdtest.h"

#define MAXW 16

/* Words from NULL-terminated strings (lengths by strlen unless a word is given with len). */
static int words(resp_arg *w, const char *const *s) {
  int n = 0;
  for (; s[n] != NULL && n < MAXW; n++)
    w[n] = (resp_arg){ (const unsigned char *)s[n], strlen(s[n]) };
  return n;
}

/* Check a line: expect NULL (why == NULL) or the reason and the named word's index. */
static void check_line(const char *const *line, const char *why, int bad) {
  resp_arg w[MAXW];
  int n = words(w, line), got_bad, oom;
  const char *got = acl_conf_check(n, w, &got_bad, &oom);
  CHECK(oom == 0);
  if (why == NULL) {
    CHECK(got == NULL);
    if (got != NULL) fprintf(stderr, "  %s: unexpected %s\n", line[0], got);
    return;
  }
  CHECK(got != NULL && strcmp(got, why) == 0 && got_bad == bad);
  if (got == NULL || strcmp(got, why) != 0 || got_bad != bad)
    fprintf(stderr, "  %s: got %s at %d, want %s at %d\n", line[0], got ? got : "NULL", got_bad,
            why, bad);
}

static void checks(void) {
  check_line((const char *[]){ "alice", NULL }, NULL, 0);
  check_line((const char *[]){ "alice", "on", ">pw", "~k*", "+get", "(+hget", "~h*)", NULL }, NULL,
             0);
  /* Unknown names are left to the definition. */
  check_line((const char *[]){ "alice", "on", "+nosuch", "-@nocat", NULL }, NULL, 0);
  /* Redis names argv[j] of `user name rules...` for rule j (0-based): 'name' for the 2nd rule. */
  check_line((const char *[]){ "alice", "on", "badrule", NULL }, "Syntax error", 1);
  check_line((const char *[]){ "alice", "badrule", NULL }, "Syntax error", 0);
  check_line((const char *[]){ "alice", "(~a", "+get)", "on", "bad", NULL }, "Syntax error", 2);
  check_line((const char *[]){ "alice", "+nosuch", "~*", "~x", NULL },
             "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does "
             "not have any effect. Try 'resetkeys' to start with an empty list of patterns",
             2);
  check_line((const char *[]){ "alice", "<nope", NULL },
             "The password you are trying to remove from the user does not exist", 0);
  check_line((const char *[]){ "alice", "#abc", NULL },
             "The password hash must be exactly 64 characters and contain only lowercase "
             "hexadecimal characters",
             0);
  /* An unclosed selector: the index of its first word among the rules. */
  check_line((const char *[]){ "alice", "on", "~a", "(+get", "~x", NULL },
             "Unknown command or category name in ACL", 2);
}

static void definitions(st_store *st, st_client *c) {
  resp_arg w[MAXW];
  int oom;
  st_user *def = st->acl->default_user;
  const char *alice[] = { "alice",          "on", ">pw", "~k*", "+get", "(+hget", "~h*)",
                          "(%R~r* +@read)", NULL };
  char *err = acl_conf_define(st, words(w, alice), w, &oom);
  CHECK(err == NULL && oom == 0);
  const char *dflt[] = { "default", "on", ">x", "~a*", "+@all", NULL };
  err = acl_conf_define(st, words(w, dflt), w, &oom);
  CHECK(err == NULL && oom == 0 && st->acl->default_user == def);
  const char *dave[] = { "dave", NULL };
  err = acl_conf_define(st, words(w, dave), w, &oom);
  CHECK(err == NULL && oom == 0);
  /* As redis-server 7.0.15 lists the same three redis.conf lines. */
  const char *want[] = {
    "user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~k* "
    "resetchannels -@all +get (~h* resetchannels -@all +hget) (%R~r* resetchannels -@all +@read)",
    "user dave off resetchannels -@all",
    "user default on sanitize-payload #2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921"
    "a4881 ~a* resetchannels +@all",
  };
  char reply[1024];
  size_t at = (size_t)snprintf(reply, sizeof reply, "*3\r\n");
  for (int i = 0; i < 3; i++)
    at +=
        (size_t)snprintf(reply + at, sizeof reply - at, "$%zu\r\n%s\r\n", strlen(want[i]), want[i]);
  CHECK_REPLY(c, reply, "ACL", "LIST");
  const char *unknown[] = { "erin", "on", "+get", "+nosuch", "~*", NULL };
  err = acl_conf_define(st, words(w, unknown), w, &oom);
  CHECK(err != NULL && oom == 0 &&
        strcmp(err,
               "Error loading ACL rule '+nosuch' for the user named 'erin': Unknown command or "
               "category name in ACL") == 0);
  free(err);
  const char *spaced[] = { "a b", "on", NULL };
  err = acl_conf_define(st, words(w, spaced), w, &oom);
  CHECK(err != NULL && strcmp(err, "Spaces not allowed in ACL usernames") == 0);
  free(err);
  CHECK(acl_find(st, "a b", 3) == NULL);
}

int main(void) {
  tm_heap *h = check_heap(256, TM_POLICY_SPILL);
  st_store *st = st_create(h, NULL);
  st_client *c = st_client_new(st);
  CHECK(st != NULL && c != NULL);
  checks();
  definitions(st, c);
  st_client_free(c);
  st_destroy(st);
  tm_heap_destroy(h);
  return check_done("acl_conf_test");
}
