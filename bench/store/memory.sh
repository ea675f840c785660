#!/usr/bin/env bash
# DRAM per key: anonymous RSS growth (RssAnon in /proc/PID/status, after loading minus before)
# per key, for redis-server and for the tiermem store (whatever bench/store/serve.mjs starts), in
# the same run, with the ratio tiermem/redis. Cases:
#   8B-dram     N keys "key:%012d" of 8 B values, store in DRAM-only mode (serve.mjs dram)
#   256B-tiered N keys of 256 B values, store at 1:4 (serve.mjs tiered), redis all in DRAM
# Usage: bench/store/memory.sh [8 B key counts, default "1000000"] [256 B key count, default 1000000]
#   e.g. bench/store/memory.sh "1000000 20000000" 0   (a count of 0 skips the case)
# Env: MEM_TARGET_DRAM / MEM_TARGET_TIERED (ratio targets, default 0.9 and 0.5), SETTLE_MAX (s, default 30).
# Servers run one at a time (redis, then the store), so neither shares CPU or RAM with the other.
# Emulated PMem is a file mapping on /dev/shm, so PMem pages show as RssShmem (RssFile on a disk
# filesystem), never RssAnon: RssAnon growth is what lives in DRAM. On a KMEM-DAX machine PMem
# pages would be anonymous but on the PMem NUMA node; there, DRAM is the DRAM node's share.
set -euo pipefail
cd "$(dirname "$0")/../.."
N8S=${1:-1000000}
N256=${2:-1000000}
TARGET8=${MEM_TARGET_DRAM:-0.9}
TARGET256=${MEM_TARGET_TIERED:-0.5}
SETTLE_MAX=${SETTLE_MAX:-30}
OUT=bench/out/store/memory
mkdir -p "$OUT"
[ -f dist/store/index.js ] || { echo "dist/ is missing: run npm run build:ts" >&2; exit 1; }
. bench/store/lib.sh
trap cleanup EXIT

SUMMARY="$OUT/summary.txt"
: >"$SUMMARY"
failed=0

settle() { # pid port -> waits until RssAnon is steady (and the controller on target, if any)
  local t0=$SECONDS a b st
  sleep 2
  while [ $((SECONDS - t0)) -lt "$SETTLE_MAX" ]; do
    a=$(rss_kb "$1" | cut -d' ' -f1); sleep 1; b=$(rss_kb "$1" | cut -d' ' -f1)
    st=$(info_field "$2" controller_status)
    # Steady: < 0.5% change in a second; a controller still converging keeps moving memory.
    if [ $(((a > b ? a - b : b - a) * 200)) -le "$b" ] && { [ -z "$st" ] || [ "$st" = none ] || [ "$st" = on-target ]; }; then
      return 0
    fi
  done
  echo "  (not settled after ${SETTLE_MAX} s: RssAnon $a -> $b kB, controller_status ${st:-n/a})"
}

# measure server case N D [mode] -> one line in $RES: "server ok|FAIL anonB fileB shmB anonA fileA shmA used secs detail"
measure() {
  local who=$1 case=$2 n=$3 d=$4 mode=${5:-}
  if [ "$who" = redis ]; then start_redis "$case"; else start_store "$mode" "$case"; fi
  sleep 1 # idle baseline: let start-up allocation finish
  local before after loadlog="$OUT/load-$case-$who.txt" t0 secs status=ok detail="" dbsize used
  before=$(rss_kb "$SPID")
  t0=$(date +%s.%N)
  if ! timeout "$((300 + n / 10000))" node bench/store/load.mjs --port "$PORT" -n "$n" -d "$d" --stop-after-errors 1 --progress \
      >"$loadlog" 2>"$OUT/load-$case-$who.err"; then
    status=FAIL
    detail=$(grep -E '^load: (first error|connection)' "$loadlog" | head -2 | tr '\n' ' ')
    [ -n "$detail" ] || detail="loader failed or timed out: $(tail -1 "$loadlog" "$OUT/load-$case-$who.err" 2>/dev/null | tr '\n' ' ')"
  fi
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b - a}')
  dbsize=$(redis-cli -p "$PORT" dbsize 2>/dev/null || echo '?')
  if [ "$status" = ok ] && [ "$dbsize" != "$n" ]; then status=FAIL; detail="DBSIZE $dbsize, expected $n"; fi
  [ "$status" = ok ] && settle "$SPID" "$PORT"
  after=$(rss_kb "$SPID")
  used=$(info_field "$PORT" used_memory)
  if [ "$who" = store ]; then # tiering state, where the engine's INFO has it
    local f v
    for f in dram_share pmem_threshold controller_status; do
      v=$(info_field "$PORT" "$f")
      [ -z "$v" ] || detail="$detail $f=$v"
    done
  fi
  stop_server "$SPID"
  echo "$who $status $before $after ${used:-0} $secs $detail" >>"$RES"
}

report() { # case n d target mode
  local case=$1 n=$2 d=$3 target=$4 mode=$5
  awk -v case="$case" -v n="$n" -v d="$d" -v target="$target" -v mode="$mode" '
    { who=$1; st[who]=$2; an[who]=($6-$3)*1024/n; fi[who]=($7-$4)*1024/n; sh[who]=($8-$5)*1024/n
      used[who]=$9/n; secs[who]=$10; det=""; for (i=11;i<=NF;i++) det=det" "$i; detail[who]=det
      anonA[who]=$6; order[++k]=who }
    END {
      printf "  %-8s %-6s %10s %12s %12s %12s %14s %9s %8s  %s\n", "server", "load", "RssAnon MB*", "RssAnon B/key", "RssFile B/key", "RssShmem B/key", "used_memory B/key", "load s", "keys/s", "notes"
      for (j=1;j<=k;j++) { w=order[j]
        printf "  %-8s %-6s %10.1f %12.1f %12.1f %12.1f %14.1f %9.1f %8.0f  %s\n", (w=="store"?"tiermem":w), st[w], anonA[w]/1024, an[w], fi[w], sh[w], used[w], secs[w], n/secs[w], detail[w] }
      print "  (* after loading; B/key columns are growth per key; tiermem used_memory counts allocator-tracked bytes only)"
      if (st["redis"]!="ok" || st["store"]!="ok") {
        printf "memory: %s %d keys: FAILED (redis %s, tiermem %s)%s%s\n", case, n, st["redis"], st["store"], (st["store"]!="ok"?" tiermem:"detail["store"]:""), (st["redis"]!="ok"?" redis:"detail["redis"]:"")
        exit 1 }
      r=an["store"]/an["redis"]
      printf "memory: %s %d keys: redis %.1f B/key, tiermem %.1f B/key, ratio %.2fx (target <= %.1fx) %s\n", case, n, an["redis"], an["store"], r, target, (r<=target?"met":"NOT met")
      if (mode=="tiered") printf "memory: %s %d keys: tiermem off-DRAM (emulated PMem, RssShmem+RssFile) %.1f B/key; all tiers %.1f B/key, %.2fx redis\n", case, n, sh["store"]+fi["store"], an["store"]+sh["store"]+fi["store"], (an["store"]+sh["store"]+fi["store"])/(an["redis"]+sh["redis"]+fi["redis"])
    }' "$RES"
}

run_case() { # case n d mode target
  local case=$1 n=$2 d=$3 mode=$4 target=$5
  [ "$n" -gt 0 ] || return 0
  RES="$OUT/$case-$n.txt"
  : >"$RES"
  echo "== memory $case: $n keys of $d B; redis-server vs tiermem (serve.mjs $mode); RssAnon growth per key = DRAM"
  measure redis "$case" "$n" "$d"
  measure store "$case" "$n" "$d" "$mode"
  report "$case" "$n" "$d" "$target" "$mode" | tee -a "$SUMMARY" || failed=1
}

echo "memory: redis-server $(redis-server --version | sed -E 's/.*v=([0-9.]+).*/\1/'), node $(node --version), PMem emulation ${TIERMEM_BENCH_PMEM:-file:/dev/shm (serve.mjs default)}"
for n in $N8S; do run_case 8B-dram "$n" 8 dram "$TARGET8"; done
run_case 256B-tiered "$N256" 256 tiered "$TARGET256"
echo "== memory summary"
grep '^memory:' "$SUMMARY" || true
exit "$failed"
