#!/usr/bin/env bash
# "No cap": load N distinct keys (8 B values, pipelined, bench/store/load.mjs) into redis-server and
# into the tiermem store (whatever bench/store/serve.mjs starts), then SET and GET one more key and
# check DBSIZE == N+1 and the GET reply; reports load time, keys/s and RSS, with tiermem/redis
# ratios. Any error reply (e.g. the JS store's "ERR internal error: Map maximum size exceeded" at
# 2^24 keys), a dropped connection or a wrong count fails the run with the first error, exit 1.
# Usage: bench/store/capacity.sh [keys, default 30000000] [store mode dram|tiered, default dram]
# Env: CAP_REDIS=0 skips redis-server; CAP_TIMEOUT (s per load, default 600 + keys/20000).
# Servers run one at a time (redis, then the store), so neither shares CPU or RAM with the other.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-30000000}
MODE=${2:-dram}
CAP_REDIS=${CAP_REDIS:-1}
CAP_TIMEOUT=${CAP_TIMEOUT:-$((600 + N / 20000))}
OUT=bench/out/store/capacity
mkdir -p "$OUT"
[ -f dist/store/index.js ] || { echo "dist/ is missing: run npm run build:ts" >&2; exit 1; }
. bench/store/lib.sh
trap cleanup EXIT
RES="$OUT/results-$N.txt"
: >"$RES"

run() { # who (redis|store) -> one line in $RES: "who ok|FAIL secs loaded rssAnonKB rssFileKB rssShmemKB detail"
  local who=$1
  local status=ok detail="" t0 secs loadlog="$OUT/load-$who-$N.txt" before after
  if [ "$who" = redis ]; then start_redis "cap"; else start_store "$MODE" "cap"; fi
  before=$(rss_kb "$SPID")
  echo "  $who: loading $N keys (progress: $OUT/load-$who-$N.err)"
  t0=$(date +%s.%N)
  if ! timeout "$CAP_TIMEOUT" node bench/store/load.mjs --port "$PORT" -n "$N" -d 8 --stop-after-errors 1 --progress \
      >"$loadlog" 2>"$OUT/load-$who-$N.err"; then
    status=FAIL
    detail=$(grep -E '^load: (first error|connection)' "$loadlog" | tr '\n' ' ')
    [ -n "$detail" ] || detail="loader failed or timed out after ${CAP_TIMEOUT} s: $(tail -1 "$OUT/load-$who-$N.err" 2>/dev/null)"
    kill -0 "$SPID" 2>/dev/null || detail="$detail; server died: $(tail -3 "$OUT/$who-cap.log" 2>/dev/null | tr '\n' ' ')"
  fi
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b - a}')
  grep '^load:' "$loadlog" | sed 's/^/    /' || true
  local loaded
  loaded=$(sed -n 's/^load: .*, ok \([0-9]*\),.*/\1/p' "$loadlog" | head -1)
  after=$(rss_kb "$SPID")
  if [ "$status" = ok ]; then
    # One more key past N, through an ordinary client.
    local set get dbsize
    set=$(redis-cli -p "$PORT" set capacity:extra hello-capacity 2>&1 || true)
    get=$(redis-cli -p "$PORT" get capacity:extra 2>&1 || true)
    dbsize=$(redis-cli -p "$PORT" dbsize 2>&1 || true)
    echo "    extra key: SET -> $set, GET -> $get, DBSIZE -> $dbsize (expected $((N + 1)))"
    if [ "$set" != OK ] || [ "$get" != hello-capacity ] || [ "$dbsize" != "$((N + 1))" ]; then
      status=FAIL
      detail="extra key: SET $set, GET $get, DBSIZE $dbsize (expected OK, hello-capacity, $((N + 1)))"
    fi
  fi
  stop_server "$SPID"
  echo "$who $status $secs ${loaded:-0} $after $detail" >>"$RES"
}

echo "== capacity: $N keys of 8 B + 1; redis-server $(redis-server --version | sed -E 's/.*v=([0-9.]+).*/\1/') vs tiermem (serve.mjs $MODE), node $(node --version)"
[ "$CAP_REDIS" = 0 ] || run redis
run store
awk -v n="$N" '
  { w=$1; order[++k]=w; st[w]=$2; secs[w]=$3; ok[w]=$4; anon[w]=$5; file[w]=$6; shm[w]=$7; d=""; for (i=8;i<=NF;i++) d=d" "$i; det[w]=d; seen[w]=1 }
  END {
    for (j=1;j<=k;j++) { w=order[j]; printf "capacity: %-7s %s: %d of %d keys stored in %.1f s (%.0f keys/s), RssAnon %.0f MB (%.1f B/key), RssFile %.0f MB, RssShmem %.0f MB%s\n",
      (w=="store"?"tiermem":w), (st[w]=="ok"?"ok":"FAILED"), ok[w], n, secs[w], ok[w]/secs[w], anon[w]/1024, (ok[w]?anon[w]*1024/ok[w]:0), file[w]/1024, shm[w]/1024, det[w] }
    if (seen["redis"] && st["redis"]=="ok" && st["store"]=="ok")
      printf "capacity: tiermem/redis: load time %.2fx, RssAnon %.2fx\n", secs["store"]/secs["redis"], anon["store"]/anon["redis"]
    if (st["store"]!="ok") { printf "capacity: FAIL: tiermem did not hold %d + 1 keys:%s\n", n, det["store"]; exit 1 }
    if (seen["redis"] && st["redis"]!="ok") { printf "capacity: FAIL: redis-server baseline failed:%s\n", det["redis"]; exit 1 }
    printf "capacity: PASS: %d + 1 keys, GET of the extra key correct\n", n
  }' "$RES" | tee "$OUT/summary-$N.txt"
