/* pubsub.c - publish/subscribe (pubsub.h) and its commands, shard channels included. */
#include "glob.h"
#include "pubsub.h"

/* A channel or pattern with at least one subscriber. */
typedef struct ps_name {
  dict_node node; /* in st->channels or st->patterns */
  struct ps_sub *head, *tail;
  size_t nsubs;
  uint32_t len;
  uint8_t tier;
  unsigned char name[];
} ps_name;

/* One client's subscription to one name. */
typedef struct ps_sub {
  dict_node node; /* in the client's chans or pats (keyed by the name's bytes) */
  struct ps_sub *prev, *next;
  ps_name *name;
  st_client *c;
  uint8_t tier;
} ps_sub;

struct ps_client {
  dict chans, pats, shards;
  uint8_t tier;
};

/* The three kinds of subscription: one global dict and one client dict each. */
typedef enum { K_CHANNEL, K_PATTERN, K_SHARD } ps_kind;
static const char *const sub_push[] = { "subscribe", "psubscribe", "ssubscribe" };
static const char *const unsub_push[] = { "unsubscribe", "punsubscribe", "sunsubscribe" };

static dict *global_dict(st_store *st, ps_kind k) {
  return k == K_CHANNEL ? &st->channels : k == K_PATTERN ? &st->patterns : &st->shard_channels;
}
static dict *client_dict(struct ps_client *p, ps_kind k) {
  return k == K_CHANNEL ? &p->chans : k == K_PATTERN ? &p->pats : &p->shards;
}

static const unsigned char *name_key(const dict_node *n, size_t *len) {
  const ps_name *p = (const ps_name *)n;
  *len = p->len;
  return p->name;
}
static const unsigned char *sub_key(const dict_node *n, size_t *len) {
  const ps_sub *s = (const ps_sub *)n;
  *len = s->name->len;
  return s->name->name;
}
static const dict_type name_type = { name_key };
static const dict_type sub_type = { sub_key };

void ps_init(st_store *st) {
  dict_init(&st->channels, &name_type, &st->mem, SM_STORE);
  dict_init(&st->patterns, &name_type, &st->mem, SM_STORE);
  dict_init(&st->shard_channels, &name_type, &st->mem, SM_STORE);
}

void ps_destroy(st_store *st) {
  dict_free_tables(&st->channels);
  dict_free_tables(&st->patterns);
  dict_free_tables(&st->shard_channels);
}

size_t ps_client_channels(const st_client *c) { return c->ps ? dict_size(&c->ps->chans) : 0; }
size_t ps_client_patterns(const st_client *c) { return c->ps ? dict_size(&c->ps->pats) : 0; }
size_t ps_client_shard_channels(const st_client *c) {
  return c->ps ? dict_size(&c->ps->shards) : 0;
}
/* The count in a push: Redis counts channels and patterns together, shard channels apart. */
static long count(const st_client *c, ps_kind k) {
  if (k == K_SHARD) return (long)ps_client_shard_channels(c);
  return (long)(ps_client_channels(c) + ps_client_patterns(c));
}

int ps_allowed(const st_cmd *cmd) {
  static const char *const ok[] = {
    "ping",         "subscribe",    "psubscribe", "ssubscribe", "unsubscribe",
    "punsubscribe", "sunsubscribe", "quit",       "reset",      NULL
  };
  for (int i = 0; ok[i] != NULL; i++)
    if (strcmp(cmd->name, ok[i]) == 0) return 1;
  return 0;
}

/* ------------------------------------------------------------------------------ state */

static struct ps_client *client_state(st_client *c) {
  if (c->ps != NULL) return c->ps;
  uint8_t tier;
  struct ps_client *p = sm_calloc(&c->st->mem, SM_STORE, TM_CAT_METADATA, sizeof *p, &tier);
  if (p == NULL) return NULL;
  p->tier = tier;
  dict_init(&p->chans, &sub_type, &c->st->mem, SM_STORE);
  dict_init(&p->pats, &sub_type, &c->st->mem, SM_STORE);
  dict_init(&p->shards, &sub_type, &c->st->mem, SM_STORE);
  c->ps = p;
  return p;
}

static void client_state_release(st_client *c) {
  struct ps_client *p = c->ps;
  if (p == NULL || dict_size(&p->chans) + dict_size(&p->pats) + dict_size(&p->shards) > 0) return;
  dict_free_tables(&p->chans);
  dict_free_tables(&p->pats);
  dict_free_tables(&p->shards);
  sm_free(&c->st->mem, SM_STORE, TM_CAT_METADATA, p, sizeof *p, p->tier);
  c->ps = NULL;
  c->flags &= ~(uint32_t)CL_PUBSUB;
}

/* Subscribe c to name in global dict g / the client's dict cd. 1 if new, 0 if already, -1 OOM. */
static int subscribe(st_client *c, dict *g, dict *cd, const resp_arg *a) {
  sm *m = &c->st->mem;
  uint64_t h = dict_hash(a->ptr, a->len);
  if (dict_find_hashed(cd, a->ptr, a->len, h) != NULL) return 0;
  ps_name *n = (ps_name *)dict_find_hashed(g, a->ptr, a->len, h);
  int fresh = 0;
  if (n == NULL) {
    uint8_t tier;
    n = sm_calloc(m, SM_STORE, TM_CAT_METADATA, sizeof *n + a->len, &tier);
    if (n == NULL) return -1;
    n->tier = tier;
    n->len = (uint32_t)a->len;
    memcpy(n->name, a->ptr, a->len);
    if (dict_add_hashed(g, &n->node, h) != 0) {
      sm_free(m, SM_STORE, TM_CAT_METADATA, n, sizeof *n + a->len, tier);
      return -1;
    }
    fresh = 1;
  }
  uint8_t tier;
  ps_sub *s = sm_calloc(m, SM_STORE, TM_CAT_METADATA, sizeof *s, &tier);
  if (s != NULL) {
    s->tier = tier;
    s->name = n;
    s->c = c;
    if (dict_add_hashed(cd, &s->node, h) != 0) {
      sm_free(m, SM_STORE, TM_CAT_METADATA, s, sizeof *s, tier);
      s = NULL;
    }
  }
  if (s == NULL) {
    if (fresh) {
      dict_unlink_node(g, &n->node);
      sm_free(m, SM_STORE, TM_CAT_METADATA, n, sizeof *n + n->len, n->tier);
    }
    return -1;
  }
  s->prev = n->tail;
  if (n->tail != NULL)
    n->tail->next = s;
  else
    n->head = s;
  n->tail = s;
  n->nsubs++;
  return 1;
}

static void sub_free(st_store *st, dict *g, ps_sub *s) {
  ps_name *n = s->name;
  if (s->prev != NULL)
    s->prev->next = s->next;
  else
    n->head = s->next;
  if (s->next != NULL)
    s->next->prev = s->prev;
  else
    n->tail = s->prev;
  if (--n->nsubs == 0) {
    dict_unlink_node(g, &n->node);
    sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, n, sizeof *n + n->len, n->tier);
    if (dict_size(g) == 0) dict_free_tables(g); /* no subscriber left: no table */
  }
  sm_free(&st->mem, SM_STORE, TM_CAT_METADATA, s, sizeof *s, s->tier);
}

static void reply_push(st_client *c, const char *push, ps_kind k, const void *name, size_t len,
                       int null) {
  reply_array(&c->out, 3);
  reply_bulk(&c->out, push, strlen(push));
  if (null)
    reply_null_bulk(&c->out);
  else
    reply_bulk(&c->out, name, len);
  reply_int(&c->out, count(c, k));
}

/* ------------------------------------------------------------------------------ commands */

static void subscribe_cmd(st_client *c, ps_kind k) {
  struct ps_client *p = client_state(c);
  if (p == NULL) {
    reply_oom(c);
    return;
  }
  for (int i = 1; i < c->argc; i++) {
    int r = subscribe(c, global_dict(c->st, k), client_dict(p, k), &c->argv[i]);
    if (r < 0) {
      reply_oom(c);
      break;
    }
    c->flags |= CL_PUBSUB;
    reply_push(c, sub_push[k], k, c->argv[i].ptr, c->argv[i].len, 0);
  }
  client_state_release(c);
}

void cmd_subscribe(st_client *c) { subscribe_cmd(c, K_CHANNEL); }
void cmd_psubscribe(st_client *c) { subscribe_cmd(c, K_PATTERN); }

void cmd_ssubscribe(st_client *c) {
  /* Redis refuses it to a client that expects one reply per command (EXEC's). */
  if (c->flags & CL_IN_EXEC) {
    reply_error(&c->out, "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  subscribe_cmd(c, K_SHARD);
}

static void unsubscribe_one(st_client *c, ps_kind k, const resp_arg *a, int notify) {
  struct ps_client *p = c->ps;
  if (p != NULL) {
    ps_sub *s = (ps_sub *)dict_unlink(client_dict(p, k), a->ptr, a->len);
    if (s != NULL) sub_free(c->st, global_dict(c->st, k), s);
  }
  if (notify) reply_push(c, unsub_push[k], k, a->ptr, a->len, 0);
}

/* Leave every name of one kind, replying a push for each when notify. */
static void unsubscribe_all(st_client *c, ps_kind k, int notify) {
  struct ps_client *p = c->ps;
  dict *cd = p ? client_dict(p, k) : NULL;
  const char *push = unsub_push[k];
  if (cd == NULL || dict_size(cd) == 0) {
    if (notify) reply_push(c, push, k, NULL, 0, 1);
    return;
  }
  dict *g = global_dict(c->st, k);
  for (dict_node *dn; (dn = dict_pop_any(cd)) != NULL;) {
    ps_sub *s = (ps_sub *)dn;
    /* The name outlives the push only if others still subscribe: reply first. */
    if (notify) {
      reply_array(&c->out, 3);
      reply_bulk(&c->out, push, strlen(push));
      reply_bulk(&c->out, s->name->name, s->name->len);
      reply_int(&c->out, count(c, k));
    }
    sub_free(c->st, g, s);
  }
}

static void unsubscribe_cmd(st_client *c, ps_kind k) {
  if (c->argc == 1)
    unsubscribe_all(c, k, 1);
  else
    for (int i = 1; i < c->argc; i++) unsubscribe_one(c, k, &c->argv[i], 1);
  client_state_release(c);
}

void cmd_unsubscribe(st_client *c) { unsubscribe_cmd(c, K_CHANNEL); }
void cmd_punsubscribe(st_client *c) { unsubscribe_cmd(c, K_PATTERN); }
void cmd_sunsubscribe(st_client *c) { unsubscribe_cmd(c, K_SHARD); }

void ps_unsubscribe_all(st_client *c, int notify) {
  if (c->ps == NULL) return;
  unsubscribe_all(c, K_CHANNEL, notify);
  unsubscribe_all(c, K_PATTERN, notify);
  unsubscribe_all(c, K_SHARD, notify);
  client_state_release(c);
}

void cmd_publish(st_client *c) {
  st_store *st = c->st;
  const resp_arg *ch = &c->argv[1], *msg = &c->argv[2];
  long long receivers = 0;
  ps_name *n = (ps_name *)dict_find(&st->channels, ch->ptr, ch->len);
  for (ps_sub *s = n ? n->head : NULL; s != NULL; s = s->next, receivers++) {
    st_client *r = s->c;
    if (r->flags & CL_REPLY_OFF) continue;
    reply_array(&r->out, 3);
    reply_bulk(&r->out, "message", 7);
    reply_bulk(&r->out, ch->ptr, ch->len);
    reply_bulk(&r->out, msg->ptr, msg->len);
    st_client_wake(r);
  }
  if (dict_size(&st->patterns) > 0) {
    dict_iter it;
    dict_iter_init(&it, &st->patterns);
    for (dict_node *dn; (dn = dict_iter_next(&it)) != NULL;) {
      ps_name *p = (ps_name *)dn;
      if (!glob_match(p->name, p->len, ch->ptr, ch->len, 0)) continue;
      for (ps_sub *s = p->head; s != NULL; s = s->next, receivers++) {
        st_client *r = s->c;
        if (r->flags & CL_REPLY_OFF) continue;
        reply_array(&r->out, 4);
        reply_bulk(&r->out, "pmessage", 8);
        reply_bulk(&r->out, p->name, p->len);
        reply_bulk(&r->out, ch->ptr, ch->len);
        reply_bulk(&r->out, msg->ptr, msg->len);
        st_client_wake(r);
      }
    }
    dict_iter_done(&it);
  }
  reply_int(&c->out, receivers);
}

/* SPUBLISH: an smessage to the shard channel's subscribers; patterns do not apply. */
void cmd_spublish(st_client *c) {
  const resp_arg *ch = &c->argv[1], *msg = &c->argv[2];
  long long receivers = 0;
  ps_name *n = (ps_name *)dict_find(&c->st->shard_channels, ch->ptr, ch->len);
  for (ps_sub *s = n ? n->head : NULL; s != NULL; s = s->next, receivers++) {
    st_client *r = s->c;
    if (r->flags & CL_REPLY_OFF) continue;
    reply_array(&r->out, 3);
    reply_bulk(&r->out, "smessage", 8);
    reply_bulk(&r->out, ch->ptr, ch->len);
    reply_bulk(&r->out, msg->ptr, msg->len);
    st_client_wake(r);
  }
  reply_int(&c->out, receivers);
}

/* PUBSUB CHANNELS|SHARDCHANNELS [pattern]; more arguments are Redis's subcommand syntax error,
 * naming the subcommand as it was typed. */
static void list_channels(st_client *c, ps_kind k) {
  if (c->argc > 3) {
    reply_error(&c->out,
                "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try PUBSUB HELP.",
                (int)(c->argv[1].len > 128 ? 128 : c->argv[1].len), (const char *)c->argv[1].ptr);
    return;
  }
  const resp_arg *pat = c->argc == 3 ? &c->argv[2] : NULL;
  void *h = reply_defer_len(&c->out);
  long n = 0;
  dict_iter it;
  dict_iter_init(&it, global_dict(c->st, k));
  for (dict_node *dn; (dn = dict_iter_next(&it)) != NULL;) {
    ps_name *p = (ps_name *)dn;
    if (pat != NULL && !glob_match(pat->ptr, pat->len, p->name, p->len, 0)) continue;
    reply_bulk(&c->out, p->name, p->len);
    n++;
  }
  dict_iter_done(&it);
  reply_set_defer_len(&c->out, h, n);
}

void cmd_pubsub_channels(st_client *c) { list_channels(c, K_CHANNEL); }
void cmd_pubsub_shardchannels(st_client *c) { list_channels(c, K_SHARD); }

static void numsub(st_client *c, ps_kind k) {
  reply_array(&c->out, (long)(c->argc - 2) * 2);
  for (int i = 2; i < c->argc; i++) {
    ps_name *p = (ps_name *)dict_find(global_dict(c->st, k), c->argv[i].ptr, c->argv[i].len);
    reply_bulk(&c->out, c->argv[i].ptr, c->argv[i].len);
    reply_int(&c->out, p ? (long long)p->nsubs : 0);
  }
}

void cmd_pubsub_numsub(st_client *c) { numsub(c, K_CHANNEL); }
void cmd_pubsub_shardnumsub(st_client *c) { numsub(c, K_SHARD); }

void cmd_pubsub_numpat(st_client *c) { reply_int(&c->out, (long long)dict_size(&c->st->patterns)); }

void cmd_pubsub_help(st_client *c) {
  static const char *const lines[] = {
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    NULL
  };
  reply_help(c, "PUBSUB", lines);
}

/* ------------------------------------------------------------------------------ walk */

static void walk_name(const dict_node *dn, void *ctx) {
  const st_walk_ctx *w = ctx;
  const ps_name *n = (const ps_name *)dn;
  w->visit(w->arg, n, sizeof *n + n->len, n->tier, SM_STORE, TM_CAT_METADATA);
  for (const ps_sub *s = n->head; s != NULL; s = s->next)
    w->visit(w->arg, s, sizeof *s, s->tier, SM_STORE, TM_CAT_METADATA);
}

void ps_walk(st_store *st, st_walk_fn *visit, void *arg) {
  st_walk_ctx w = { st, visit, arg };
  st_walk_dict_tables(&st->channels, visit, arg);
  st_walk_dict_tables(&st->patterns, visit, arg);
  st_walk_dict_tables(&st->shard_channels, visit, arg);
  st_walk_dict_nodes(&st->channels, walk_name, &w);
  st_walk_dict_nodes(&st->patterns, walk_name, &w);
  st_walk_dict_nodes(&st->shard_channels, walk_name, &w);
  for (const st_client *c = st->clients; c != NULL; c = c->next) {
    if (c->ps == NULL) continue;
    visit(arg, c->ps, sizeof *c->ps, c->ps->tier, SM_STORE, TM_CAT_METADATA);
    st_walk_dict_tables(&c->ps->chans, visit, arg);
    st_walk_dict_tables(&c->ps->pats, visit, arg);
    st_walk_dict_tables(&c->ps->shards, visit, arg);
  }
}
