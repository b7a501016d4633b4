#!/usr/bin/env bash
# test/fuzz/credit_fuzz.sh [SECONDS]: builds test/fuzz/credit_fuzz.c with
# libFuzzer, AddressSanitizer and UBSan (clang) and runs it for SECONDS
# (default 60) from a seed corpus of valid policies, decimals and states.
# Exits non-zero on any crash, leak or undefined behaviour.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-60}
OUT=${LR_FUZZ_DIR:-build/fuzz/credit}
CLANG=$(command -v clang-14 || command -v clang)
mkdir -p "$OUT/corpus"
"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Isrc test/fuzz/credit_fuzz.c src/credit/money.c src/credit/policy.c src/credit/decide.c \
  src/credit/schedule_core.c src/credit/irr.c src/credit/apr_state.c src/credit/daily_state.c \
  src/common/lr_base.c src/common/lr_json.c src/common/lr_state_ops.c -lm -o "$OUT/credit_fuzz"

seed() { printf '%b' "$2" > "$OUT/corpus/$1"; }
seed limit  '\x00{"bands": [{"max_pd": 0.02, "revenue_multiple": 3, "name": "A"}, {"max_pd": 0.1, "revenue_multiple": 1.5}], "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12, "existing_debt": "balance"}, "min_limit": 1000, "max_limit": 250000, "rounding_step": 500}'
seed adjust '\x01{"rounding_step": 100, "cooldown_months": 3, "freeze": {"days_past_due": 30, "limit": "drawn"}, "decrease": {"step": 0.25, "days_past_due": 15, "pd": 0.15, "pd_ratio": 2, "min_limit": 500, "floor_at_drawn": true}, "increase": {"step": 0.2, "max_increase": 5000, "max_limit": 50000, "min_utilisation": 0.5, "max_pd": 0.05, "max_pd_ratio": 1.2, "min_months_on_book": 6, "max_days_past_due": 0}}'
seed price  '\x02{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "apr_cap": 0.36, "apr_cap_basis": "effective", "pd_horizon_months": 12, "rate_step": 0.0025}'
seed dec    '\x03-12345.678901234567890123e-3'
seed apr    '\x04\x50\x41\x52\x4c\x01\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x40\x8f\xc0\x6e\x01\x00\x00\x00\x00\x00\x00\x00\x30\x91\x40'
seed daily  '\x05\x49\x44\x52\x4c\x01\x00\x00\x00\x01\x00\x80\xc6\xa4\x7e\x8d\x03\x00\x00\x00\x00\x00\x00\x00\x00\x1e\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xa0\x86\x01\x00\x00\x00\x00\x00\x0a\x00\x00\x00\xb0\x3c\xff\xff\xff\xff\xff\xff'

"$OUT/credit_fuzz" -max_total_time="$SECS" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
  -print_final_stats=1 "$OUT/corpus" 2>&1 | tail -15
