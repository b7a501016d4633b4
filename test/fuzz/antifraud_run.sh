#!/usr/bin/env bash
# Builds test/fuzz/antifraud_fuzz.c with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, seeds a corpus from the examples of the tests,
# and fuzzes for LR_FUZZ_SECONDS (default 60).  Prints "N passed, N failed".
#
#   bash test/fuzz/antifraud_run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${LR_FUZZ_SECONDS:-60}
out=${LR_FUZZ_DIR:-build/fuzz/antifraud}
mkdir -p "$out/corpus"

clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Isrc test/fuzz/antifraud_fuzz.c \
  src/antifraud/iforest.c src/antifraud/iforest_state.c src/antifraud/robust_state.c src/antifraud/ident.c \
  src/common/lr_base.c src/common/lr_json.c src/common/lr_state_ops.c \
  -lm -o "$out/antifraud_fuzz" || { echo "0 passed, 1 failed"; exit 1; }

# Seeds: a model, options, states (hex from sql/antifraud_*.sql) and identifiers.
seed() { printf '%b' "$2" > "$out/corpus/$1"; }
seed forest '\x00{"format": "loan_risk.iforest/1", "features": ["x", "y"], "sample_size": 4, "trees": [{"nodes": [{"feature": 0, "threshold": 5, "left": 1, "right": 2, "size": 4}, {"size": 3}, {"feature": 1, "threshold": 0.5, "left": 3, "right": 4, "size": 1}, {"size": 1}, {"size": 0}]}]}'
seed forest2 '\x00{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"feature": 0, "threshold": 0, "left": 1, "right": 2, "size": 2}, {"size": 1}, {"size": 1}]}], "training": {"seed": 1}}'
seed options '\x01{"seed": 42, "trees": 10, "sample_size": 64, "reservoir": 640, "name": "m"}'
seed ifstate '\x02\x46\x49\x52\x4c\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x78\x02\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0\x3f\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x40'
seed robust_exact '\x03\x53\x52\x52\x4c\x01\x00\x00\x00\x0a\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40'
seed robust_sketch '\x03\x53\x52\x52\x4c\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x01\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
seed ident1 '\x0411010519491231002X'
seed ident2 '\x0491350100M000100Y43'
seed ident3 '\x04+86 138-1234-5678'
seed ident4 '\x04\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98 6200 0000 0000 0005'

"$out/antifraud_fuzz" -artifact_prefix="$out/" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  "$out/corpus" 2>&1 | tail -5
if [ "${PIPESTATUS[0]}" -eq 0 ]; then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi
