#!/usr/bin/env bash
# List command cost, A/B: this checkout's store against another built checkout's store (BASE,
# e.g. /work/main) and redis-server, interleaved round by round on one machine, so that load from
# other jobs hits all three alike. Tests: redis-benchmark's LPUSH and RPUSH, and LINSERT after the
# head element of a list (every insert lands in the head node: splits and merges included).
# Usage: bench/store/list-ab.sh BASE [requests, default 100000] [rounds, default 3] [pipeline, default 16]
# Prints one line per round and test: requests per second of redis, base, this and the ratio
# this/base, then the server CPU (INFO's used_cpu_user + used_cpu_sys) per request in
# microseconds and its ratio: far less sensitive to other jobs' load than throughput.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${1:?usage: list-ab.sh BASE [requests] [rounds] [pipeline]}
N=${2:-100000}
ROUNDS=${3:-3}
P=${4:-16}
OUT=bench/out/store
mkdir -p "$OUT"

# free_port, pids and cleanup
. bench/store/lib.sh
trap cleanup EXIT

RPORT=$(free_port)
redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --logfile "$OUT/list-ab-redis.log" &
pids+=($!)
start() { # dir -> PORT
  PORT=$(free_port)
  (cd "$1" && node bench/store/serve.mjs dram "$PORT") >"$OUT/list-ab-$2.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q ready "$OUT/list-ab-$2.log" 2>/dev/null && return; sleep 0.1; done
  echo "store in $1 did not start" >&2
  exit 1
}
start "$BASE" base
BPORT=$PORT
start "$PWD" this
TPORT=$PORT
until redis-cli -p "$RPORT" ping >/dev/null 2>&1; do sleep 0.1; done

cpu() { redis-cli -p "$1" info cpu | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.6f", s }'; }

rps() { # port, test -> "requests-per-second cpu-us-per-request"
  redis-cli -p "$1" flushall >/dev/null
  local port=$1 c0 r
  c0=$(cpu "$port")
  r=$(rps1 "$@")
  echo "$r $(awk -v a="$c0" -v b="$(cpu "$port")" -v n="$N" 'BEGIN { printf "%.3f", (b - a) * 1e6 / n }')"
}

rps1() {
  local port=$1
  shift
  if [ "$1" = linsert ]; then
    redis-cli -p "$port" rpush L head >/dev/null
    redis-benchmark -p "$port" -n "$N" -P "$P" -c 50 -q -r 1000000 linsert L after head __rand_int__ |
      awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/) { print $i; exit } }'
  else
    redis-benchmark -p "$port" -n "$N" -P "$P" -c 50 -q -t "$1" |
      awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/) { print $i; exit } }'
  fi
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); requests $N, pipeline $P, rounds $ROUNDS"
for r in $(seq "$ROUNDS"); do
  for t in lpush rpush linsert; do
    # Rotate the order each round.
    case $((r % 3)) in
      1) a=$(rps "$RPORT" $t); b=$(rps "$BPORT" $t); c=$(rps "$TPORT" $t) ;;
      2) c=$(rps "$TPORT" $t); a=$(rps "$RPORT" $t); b=$(rps "$BPORT" $t) ;;
      0) b=$(rps "$BPORT" $t); c=$(rps "$TPORT" $t); a=$(rps "$RPORT" $t) ;;
    esac
    read -r a ac <<<"$a"
    read -r b bc <<<"$b"
    read -r c cc <<<"$c"
    echo "round $r $t rps redis=$a base=$b this=$c this/base=$(awk -v c="$c" -v b="$b" 'BEGIN { printf "%.3f", c / b }')" \
      "cpu-us/req redis=$ac base=$bc this=$cc this/base=$(awk -v c="$cc" -v b="$bc" 'BEGIN { printf "%.3f", c / b }')"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
