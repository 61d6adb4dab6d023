#!/usr/bin/env bash
# How far to trust the mark: the shipped rubrics against labelled plans, on
# the data they were tuned on and on data they were not.
#
#   scripts/heldout.sh            # build (release) and print one line per set
#
# Sets (see tests/fixtures/README.md):
#   development  tests/fixtures/devdata/dev + tests/fixtures/blind/dev
#                (rubrics and band thresholds were tuned on these)
#   held-out     tests/fixtures/heldout/devdata + tests/fixtures/heldout/blind
#                (split off before any grading; never tuned on)
#   fresh        tests/fixtures/heldout/fresh (written and labelled blind
#                after the last rubric change; graded once)
# Each line is `planmark rubric test --samples …`'s own summary: factor
# micro-precision, recall, F1, mark QWK and judgement agreement.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/planmark"
f=tests/fixtures
run() {
  local name=$1
  shift
  printf '%-12s ' "$name"
  "$bin" rubric test --samples "$@" | grep '^All together' | sed 's/^All together: //'
}
run development "$f"/devdata/dev/*.toml "$f"/blind/dev/*.toml
run held-out "$f"/heldout/devdata/*.toml "$f"/heldout/blind/*.toml
run fresh "$f"/heldout/fresh/*.toml
