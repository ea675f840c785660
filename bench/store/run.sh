#!/usr/bin/env bash
# redis-benchmark against Debian's redis-server and the tiermem store (DRAM-only and 1:4 tiered),
# in the same run: 50 clients, 256 B values, SET and GET, at each pipeline depth (-P 1, 16, 64).
# Usage: bench/store/run.sh [requests per test, default 200000] [rounds, default 3] [depths, default "1 16 64"]
#   (needs `npm run build` first). Targets: ratio >= 0.9x at -P 1, >= 0.8x when pipelined.
# Each round runs every test against the three servers back to back, in a rotating order, and
# yields one ratio per store and test; the table gives medians over the rounds (requests per
# second and ratios), so a burst of load from other jobs skews one round, not the result.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-200000}
ROUNDS=${2:-3}
PIPELINES=${3:-1 16 64}
OUT=bench/out/store
mkdir -p "$OUT"
[ -f dist/store/index.js ] || { echo "dist/ is missing: run npm run build:ts" >&2; exit 1; }

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

RPORT=$(free_port)
redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --logfile "$OUT/redis.log" &
pids+=($!)

start_store() { # mode -> sets PORT (not in a subshell, so that pids keeps the server's pid)
  PORT=$(free_port)
  node bench/store/serve.mjs "$1" "$PORT" >"$OUT/store-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q '^ready' "$OUT/store-$1.log" 2>/dev/null && break; sleep 0.1; done
}
start_store dram; DPORT=$PORT
start_store tiered; TPORT=$PORT
for _ in $(seq 1 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

bench() { # port pipeline test -> requests per second
  timeout "${BENCH_TIMEOUT:-300}" redis-benchmark -p "$1" -t "$3" -n "$N" -c 50 -d 256 -P "$2" -r 100000 -q 2>/dev/null \
    | tr '\r' '\n' | grep -E "^$(echo "$3" | tr a-z A-Z): .*requests per second" | tail -1 \
    | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/'
}

RAW="$OUT/rounds.txt"
: >"$RAW"
servers=(redis dram tiered)
ports=("$RPORT" "$DPORT" "$TPORT")
for round in $(seq 1 "$ROUNDS"); do
  for P in $PIPELINES; do
    for T in set get; do
      for k in 0 1 2; do
        i=$(( (k + round - 1) % 3 ))
        echo "$round $P $T ${servers[$i]} $(bench "${ports[$i]}" "$P" "$T")" >>"$RAW"
      done
    done
  done
done

echo "redis-benchmark -c 50 -d 256 -r 100000 -n $N -P ${PIPELINES// /|} -t set|get; median of $ROUNDS rounds;" \
  "redis-server $(redis-server --version | sed -E 's/.*v=([0-9.]+).*/\1/'), node $(node --version)"
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const rps = (round, P, T, who) => Number(lines.find((l) => l[0] === round && l[1] === P && l[2] === T && l[3] === who)[4]);
const rounds = [...new Set(lines.map((l) => l[0]))];
const depths = process.argv[2].trim().split(/\s+/);
// Targets: an unpipelined request is dominated by syscalls both servers share; pipelining exposes engine cost.
const target = (P) => (P === "1" ? 0.9 : 0.8);
const met = (x, P) => (x >= target(P) ? "met" : "NOT met");
console.log("| test | -P | redis-server | tiermem DRAM-only | ratio | tiermem 1:4 tiered | ratio | target | ratios per round (DRAM-only; tiered) |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const P of depths) for (const T of ["set", "get"]) {
  const r = rounds.map((x) => rps(x, P, T, "redis"));
  const d = rounds.map((x) => rps(x, P, T, "dram"));
  const t = rounds.map((x) => rps(x, P, T, "tiered"));
  const dr = d.map((v, i) => v / r[i]);
  const tr = t.map((v, i) => v / r[i]);
  const f = (a) => a.map((x) => x.toFixed(2)).join(" ");
  console.log(`| ${T.toUpperCase()} | ${P} | ${med(r).toFixed(0)} | ${med(d).toFixed(0)} | ${med(dr).toFixed(2)}x | ${med(t).toFixed(0)} | ${med(tr).toFixed(2)}x | >= ${target(P)}x (${met(med(dr), P)}; ${met(med(tr), P)}) | ${f(dr)}; ${f(tr)} |`);
}' "$RAW" "$PIPELINES"
redis-cli -p "$TPORT" info tiering | grep -E '^(pmem_threshold|memory_alloc_policy|controller_status|type_string)' || true
redis-cli -p "$TPORT" info memory | grep -E '^(used_memory_dram|used_memory_pmem|dram_share)' || true
