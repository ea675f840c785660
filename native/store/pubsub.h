/* pubsub.h - publish/subscribe: channels, patterns, and the subscribed mode (RESP2).
 *
 * st->channels maps a channel to its subscribers and st->patterns a pattern to its
 * subscribers, each an arrival-ordered list; a client's own subscriptions are two dicts of
 * its own (struct ps_client, made at its first subscription, freed at its last). PUBLISH
 * writes the message to every subscriber of the channel, then a pmessage to every subscriber
 * of every matching pattern (glob.c, no backtracking blow-up), waking each (st_client_wake).
 * Every block is SM_STORE metadata (channel and pattern names, subscription records).
 *
 * Replies are Redis 7.0.15's RESP2 pushes: ["subscribe", channel, count], ["message",
 * channel, payload], ["pmessage", pattern, channel, payload], ... where count is the client's
 * channels + patterns. Shard channels (SSUBSCRIBE, SPUBLISH: Redis 7.0's, here without cluster
 * slots) are a third dict each, counted apart in their pushes (["ssubscribe", ch, shard count])
 * and sent as ["smessage", channel, payload]. A client with any subscription is in subscribed
 * mode (CL_PUBSUB): only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT and RESET run (server.c
 * enforces it). */
#ifndef TM_STORE_PUBSUB_H
#define TM_STORE_PUBSUB_H

#include "store.h"

void ps_init(st_store *st);
void ps_destroy(st_store *st);
/* Leave every channel and pattern; with notify, reply the unsubscribe pushes (RESET does not). */
void ps_unsubscribe_all(st_client *c, int notify);
/* 1 if the command may run in subscribed mode. */
int ps_allowed(const st_cmd *cmd);
/* Numbers for CLIENT LIST (sub, psub) and INFO (pubsub_channels, pubsub_patterns). */
size_t ps_client_channels(const st_client *c);
size_t ps_client_patterns(const st_client *c);
/* CLIENT LIST ssub (INFO pubsubshard_channels is dict_size(&st->shard_channels)). */
size_t ps_client_shard_channels(const st_client *c);
void ps_walk(st_store *st, st_walk_fn *visit, void *arg);

#endif
