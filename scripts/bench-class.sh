#!/usr/bin/env bash
# Class-marking throughput and memory: grades CSVs of 10,000 and 100,000 plans
# (the labelled seed plans, repeated) to CSV and reports marks per second and
# peak memory (max RSS). Needs GNU time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import csv, sys, tomllib
samples = tomllib.load(open("rubrics/stalin-trotsky.samples.toml", "rb"))["sample"]
for n in (10_000, 100_000):
    with open(f"{sys.argv[1]}/class-{n}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "plan"])
        for i in range(n):
            w.writerow([f"student-{i}", samples[i % len(samples)]["text"].strip()])
PY
for n in 10000 100000; do
  for threads in 1 2; do
    /usr/bin/time -f "%e %M" -o "$dir/time" "${CARGO_TARGET_DIR:-target}"/release/planmark grade --rubric stalin-trotsky \
      --csv "$dir/class-$n.csv" --format csv --threads "$threads" > "$dir/out.csv"
    read -r secs kb < "$dir/time"
    rows=$(($(wc -l < "$dir/out.csv") - 1))
    python3 -c "print(f'$n plans, $threads thread(s): {$secs:.2f} s, {$rows/$secs:,.0f} marks/s, peak memory {$kb/1024:.1f} MiB')"
  done
done
