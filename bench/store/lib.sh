# Shared by memory.sh and capacity.sh (sourced, not run): free ports, server start/stop, RSS reads.
# Callers set OUT and `trap cleanup EXIT`; every server started here is killed by cleanup.

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

wait_ping() { # port -> 0 once the server answers PING (10 s at most)
  local _
  for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  return 1
}

# Start servers in this shell (not in $(...)), so that pids keeps them for cleanup; they set
# PORT and SPID.
start_redis() { # tag
  PORT=$(free_port)
  redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile "$OUT/redis-$1.log" &
  SPID=$!
  pids+=("$SPID")
  wait_ping "$PORT" || { echo "redis-server did not start, see $OUT/redis-$1.log" >&2; return 1; }
}
start_store() { # mode tag
  PORT=$(free_port)
  node bench/store/serve.mjs "$1" "$PORT" >"$OUT/store-$2.log" 2>&1 &
  SPID=$!
  pids+=("$SPID")
  local _
  for _ in $(seq 1 200); do grep -q '^ready' "$OUT/store-$2.log" 2>/dev/null && break; sleep 0.1; done
  wait_ping "$PORT" || { echo "store did not start, see $OUT/store-$2.log" >&2; return 1; }
}
stop_server() { # pid: SIGTERM, then wait up to 30 s (a big store takes a while to free), then KILL
  local _ tree     # it and any engine process it started, so that none outlives the run
  tree=$(tree_pids "$1")
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  # shellcheck disable=SC2086
  kill -9 $tree 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

tree_pids() { # pid -> pid and all its descendants (serve.mjs may run the engine as a child)
  local c
  echo "$1"
  for c in $(pgrep -P "$1" 2>/dev/null); do tree_pids "$c"; done
}
rss_kb() { # pid -> "RssAnon RssFile RssShmem" in kB, summed over the process tree
  local p
  for p in $(tree_pids "$1"); do cat "/proc/$p/status" 2>/dev/null || true; done |
    awk '/^RssAnon:/{a+=$2} /^RssFile:/{f+=$2} /^RssShmem:/{s+=$2} END{printf "%d %d %d\n", a, f, s}'
}

info_field() { # port field -> value from INFO (empty when absent)
  redis-cli -p "$1" info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p" | head -1
}
