#!/usr/bin/env bash
# Load test of `planmark serve`'s live-marking request (save the draft and
# mark the plan), on 127.0.0.1 only. Starts a release server on a fresh
# database, then runs examples/load_serve.rs with 50 clients sending a
# 300-word plan:
#   - at typing pace: each client waits 250 ms after an answer before its
#     next request, as the page does (50 students typing without a break);
#   - back to back: each client sends as soon as its answer came (the most
#     the server can do), ROUNDS rounds in which every client carries on its
#     own draft, with the server's resident memory after each, to show it
#     stays flat.
# Prints the latency percentiles of each run and the load average.
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
PLANMARK_DB="$work/load.db" PLANMARK_LIBRARY="" "${CARGO_TARGET_DIR:-target}"/release/planmark serve --port "$port" \
  >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do
  grep -q "Press Ctrl-C" "$work/serve.log" 2>/dev/null && break
  sleep 0.1
done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$server/status"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_serve="${CARGO_TARGET_DIR:-target}"/release/examples/load_serve
echo "server pid $server on 127.0.0.1:$port; $(nproc) cores; resident memory at start: $(rss)"
"$load_serve" "http://127.0.0.1:$port" "$clients" 1000 >/dev/null
echo "after a 1,000-request warm-up: $(rss)"
line=$("$load_serve" "http://127.0.0.1:$port" "$clients" "$((per_round / 2))" 250)
echo "typing pace: $line; load average $(load)"
"$load_serve" "http://127.0.0.1:$port" "$clients" "$per_round" 0 "$rounds" "$server"
echo "load average $(load)"
