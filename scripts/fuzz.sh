#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for SECONDS each (default 60), one after the other, and prints
# each one's executions, coverage and peak memory; exits 1 if any target found a crash (its input
# is in fuzz/artifacts/TARGET/). Needs the nightly toolchain and cargo-fuzz:
#     rustup toolchain install nightly && cargo install cargo-fuzz
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Every input must stay under RSS_LIMIT_MB (default 2048) and take at most a second. The corpus
# each target grows (fuzz/corpus/TARGET/, not committed) starts from the committed seeds
# (fuzz/seeds/TARGET/, made by fuzz/make_seeds.py) and is kept from one run to the next, so runs
# add up. Prefix with `nice -n 19` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(npy image fused parsers stream_rows video_raw)
fi
rss_limit=${RSS_LIMIT_MB:-2048}

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz.sh: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 2
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is needed (cargo install cargo-fuzz)" >&2
  exit 2
fi

# Scratch files of the targets (the image APIs read paths) go to memory, removed at the end.
scratch=$(mktemp -d "${XDG_RUNTIME_DIR:-/dev/shm}/edgegrad-fuzz.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Release build with debug assertions (overflow checks, debug_assert!) and AddressSanitizer.
# cargo-fuzz compiles everything as one codegen unit, which takes the library over half an hour
# to optimise with the coverage instrumentation on; sixteen units (the flag comes after
# cargo-fuzz's own) take a few minutes, with the same instrumentation.
export RUSTFLAGS="${RUSTFLAGS:-} -Ccodegen-units=16"
cargo +nightly fuzz build --debug-assertions

mkdir -p logs
status=0
printf '%-12s %8s %12s %8s %8s %8s %s\n' target seconds executions cov ft peak_mb result
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  log="logs/$target.log"
  result=ok
  TMPDIR=$scratch cargo +nightly fuzz run --debug-assertions "$target" \
    "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb="$rss_limit" -timeout=1 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="artifacts/$target/" >"$log" 2>&1 || result=CRASH
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-12s %8s %12s %8s %8s %8s %s\n' "$target" "$seconds" "${execs:-?}" "${cov:-?}" \
    "${ft:-?}" "${peak:-?}" "$result"
  if [ "$result" != ok ]; then
    status=1
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/    /'
  fi
done
exit $status
