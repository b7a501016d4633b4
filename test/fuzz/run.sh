#!/usr/bin/env bash
# Builds every test/fuzz/*_fuzz.c as a libFuzzer binary (clang, with
# AddressSanitizer and UndefinedBehaviorSanitizer) from the shared pure C core
# (src/common/lr_base, lr_json, lr_jv, lr_state_ops) and the sources it lists
# on its "fuzz-sources:" line, and runs each for a fixed time.
#
#   test/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 20 s, all targets)
#
# Seeds come from test/fuzz/corpus/<target>/ (committed); new inputs found go
# to build/fuzz/corpus/<target>/.  A crash, a sanitizer report, a leak or an
# input that takes more than 10 s fails the run; the reproducer is kept in
# build/fuzz/.  Prints "N passed, N failed" (one per target) last.
set -uo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-20}
shift || true
CC=${FUZZ_CC:-clang-14}
OUT=build/fuzz
mkdir -p "$OUT"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=($(ls test/fuzz/*_fuzz.c | sed 's|.*/||; s|_fuzz\.c$||'))

passed=0; failed=0
for t in "${targets[@]}"; do
  src=test/fuzz/${t}_fuzz.c
  # The shared pure C core, then the target's own list (duplicates dropped).
  deps=$(printf '%s\n' src/common/lr_base.c src/common/lr_json.c src/common/lr_jv.c src/common/lr_state_ops.c \
           $(sed -n 's/^ \* fuzz-sources: //p' "$src") | awk '!seen[$0]++' | tr '\n' ' ')
  bin=$OUT/${t}_fuzz
  if ! $CC -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=undefined -Isrc -o "$bin" "$src" $deps -lm 2>"$OUT/$t.build.log"; then
    echo "fuzz $t: build failed"; cat "$OUT/$t.build.log"; failed=$((failed + 1)); continue
  fi
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  seeds=()
  [ -d "test/fuzz/corpus/$t" ] && seeds=("test/fuzz/corpus/$t")
  if "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t/" \
        "$OUT/corpus/$t" "${seeds[@]}" >"$OUT/$t.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$t.log" | tail -1)
    echo "fuzz $t: ${runs:-?} executions in ${SECS}s, no crash"
    passed=$((passed + 1))
  else
    echo "fuzz $t: FAILED (log: $OUT/$t.log)"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$OUT/$t.log" | head -10
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
