#!/usr/bin/env bash
# CPU per request of the serving process: user+sys ticks from /proc/PID/stat around a fixed
# redis-benchmark run, for redis-server and for DRAM-only stores built from one or two trees
# (A/B: e.g. main's build copied aside vs this tree), all in the same run. Each round runs every
# test against every server back to back in a rotating order; the table gives medians over the
# rounds, so load from other jobs skews one round, not the result. Prints the load average.
# Usage: bench/store/cpu.sh [requests at -P 1, default 200000; pipelined depths run 5x as many]
#        [rounds, default 3] [depths, default "1 16"] [root B, default this tree]
#        [root A, optional: a tree with build/, dist/ and bench/store/serve.mjs to compare]
# CPU ticks are 10 ms: give each run a second or more of server CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-200000}
ROUNDS=${2:-3}
PIPELINES=${3:-1 16}
ROOT_B=$(cd "${4:-.}" && pwd)
ROOT_A=${5:-}
OUT=bench/out/store
mkdir -p "$OUT"

# free_port, pids and cleanup
. bench/store/lib.sh
trap cleanup EXIT

names=(redis)
ports=()
spids=()
RPORT=$(free_port)
redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --logfile "$OUT/cpu-redis.log" &
pids+=($!)
ports+=("$RPORT")
spids+=($!)

start_tree_store() { # name root
  local port log
  port=$(free_port)
  log="$OUT/cpu-$1.log"
  node "$2/bench/store/serve.mjs" dram "$port" >"$log" 2>&1 &
  pids+=($!)
  spids+=($!)
  names+=("$1")
  ports+=("$port")
  for _ in $(seq 1 100); do grep -q '^ready' "$log" 2>/dev/null && break; sleep 0.1; done
}
[ -n "$ROOT_A" ] && start_tree_store A "$(cd "$ROOT_A" && pwd)"
start_tree_store B "$ROOT_B"
for _ in $(seq 1 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # user sys
HZ=$(getconf CLK_TCK)

RAW="$OUT/cpu-rounds.txt"
: >"$RAW"
loads=()
k=${#names[@]}
for round in $(seq 1 "$ROUNDS"); do
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
  for P in $PIPELINES; do
    for T in get set; do
      n=$N
      [ "$P" -gt 1 ] && n=$((N * 5))
      for j in $(seq 0 $((k - 1))); do
        i=$(((j + round - 1) % k))
        read -r u0 s0 < <(ticks "${spids[$i]}")
        redis-benchmark -p "${ports[$i]}" -t "$T" -n "$n" -c 50 -d 256 -P "$P" -r 100000 -q >/dev/null 2>&1
        read -r u1 s1 < <(ticks "${spids[$i]}")
        echo "$round $P $T ${names[$i]} $(((u1 + s1 - u0 - s0) * 1000000000 / HZ / n)) $(((u1 - u0) * 1000000000 / HZ / n))" >>"$RAW"
      done
    done
  done
done
loads+=("$(cut -d' ' -f1 /proc/loadavg)")

echo "ns of server CPU per request, user+sys (user); redis-benchmark -c 50 -d 256 -r 100000 -n $N (x5 pipelined) -P ${PIPELINES// /|} -t get|set;" \
  "median of $ROUNDS rounds; load average (1 min) at each round start and the end: ${loads[*]}"
[ -n "$ROOT_A" ] && echo "A = $(cd "$ROOT_A" && pwd)  B = $ROOT_B"
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const names = process.argv[2].split(" ");
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const rounds = [...new Set(lines.map((l) => l[0]))];
const row = (r, P, T, who) => lines.find((l) => l[0] === r && l[1] === P && l[2] === T && l[3] === who);
const get = (r, P, T, who) => Number(row(r, P, T, who)[4]);
const user = (r, P, T, who) => Number(row(r, P, T, who)[5]);
const hasA = names.includes("A");
console.log(`| test | -P | ${names.join(" | ")} |${hasA ? " B/A | B/A per round | B/A user |" : ""}`);
console.log(`|---|---|${names.map(() => "---|").join("")}${hasA ? "---|---|---|" : ""}`);
for (const P of [...new Set(lines.map((l) => l[1]))]) for (const T of ["get", "set"]) {
  const cols = names.map((n) => `${med(rounds.map((r) => get(r, P, T, n)))} (${med(rounds.map((r) => user(r, P, T, n)))})`);
  let extra = "";
  if (hasA) {
    const ratios = rounds.map((r) => get(r, P, T, "B") / get(r, P, T, "A"));
    const uratios = rounds.map((r) => user(r, P, T, "B") / user(r, P, T, "A"));
    extra = ` ${med(ratios).toFixed(2)} | ${ratios.map((x) => x.toFixed(2)).join(" ")} | ${med(uratios).toFixed(2)} |`;
  }
  console.log(`| ${T.toUpperCase()} | ${P} | ${cols.join(" | ")} |${extra}`);
}' "$RAW" "${names[*]}"
