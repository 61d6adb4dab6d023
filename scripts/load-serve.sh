#!/usr/bin/env bash
# Load test of `planmark serve`'s live-marking request (save the draft and
# mark the plan), on 127.0.0.1 only. Starts a release server on a fresh
# database, then runs examples/load_serve.rs: 50 clients sending a 300-word
# plan back to back. Prints the latency percentiles of each round and the
# server's resident memory after each, to show it stays flat.
#
#   scripts/load-serve.sh [CLIENTS] [REQUESTS_PER_ROUND] [ROUNDS]
#
# The load generator runs on the same machine and shares its cores with the
# server, so the numbers are an upper bound on what a student would see.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-50}
per_round=${2:-10000}
rounds=${3:-3}

cargo build --release --quiet --bin planmark --example load_serve
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
PLANMARK_DB="$work/load.db" PLANMARK_LIBRARY="" target/release/planmark serve --port "$port" \
  >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do
  grep -q "Press Ctrl-C" "$work/serve.log" 2>/dev/null && break
  sleep 0.1
done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$server/status"; }
echo "server pid $server on 127.0.0.1:$port; $(nproc) cores; resident memory at start: $(rss)"
target/release/examples/load_serve "http://127.0.0.1:$port" "$clients" 1000 >/dev/null
echo "after a 1,000-request warm-up: $(rss)"
for r in $(seq "$rounds"); do
  line=$(target/release/examples/load_serve "http://127.0.0.1:$port" "$clients" "$per_round")
  echo "round $r: $line; memory $(rss)"
done
