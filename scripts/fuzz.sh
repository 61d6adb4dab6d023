#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ one after another: grade_plan,
# load_rubric, load_deck, import_deck, class_csv (grade --csv) and
# class_jsonl (grade --jsonl).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Needs a nightly toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`). Each target starts from the committed seeds in
# fuzz/corpus/TARGET/seed-* and keeps what it learns in the same folder (only
# the seeds are committed). A crash is saved under fuzz/artifacts/TARGET/ and
# the script exits non-zero; replay it with
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-…
# then add the input as a regression test before fixing it.
# Runs at low priority (nice) on one core with a 2 GiB memory cap per input.
# The per-input timeout is 60 s: grade_plan's first input also compiles all
# sixteen rubrics in an instrumented build, which took 12 s on a busy machine.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

status=0
for t in "${targets[@]}"; do
  echo "== $t for ${seconds}s"
  if ! nice -n 19 cargo +nightly fuzz run "$t" "corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 -timeout=60 \
      -print_final_stats=1 2>&1 | tail -n 25; then
    status=1
  fi
done
exit "$status"
