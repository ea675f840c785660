/* monitor.h - MONITOR: every command executed is copied, as one status line, to the clients
 * that asked. The line is Redis 7.0.15's: "+<sec>.<usec> [<db> <addr>] "arg" "arg"...", with
 * arguments quoted as sdscatrepr quotes them, AUTH's and HELLO AUTH's secrets shown as
 * "(redacted)", and commands flagged CMD_ADMIN or CMD_SKIP_MONITOR not shown at all. */
#ifndef TM_STORE_MONITOR_H
#define TM_STORE_MONITOR_H

#include "store.h"

/* After c ran cmd with c->argv (server.c): feed the monitors, if any. */
void monitor_feed(st_client *c, const st_cmd *cmd);
void monitor_remove(st_client *c);

#endif
