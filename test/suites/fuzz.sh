#!/usr/bin/env bash
# Suite: every fuzz target for a short fixed time (LR_FUZZ_SECONDS, default 15).
# The longer runs: `test/fuzz/run.sh 600`.
cd "$(dirname "$0")/../.."
bash test/fuzz/run.sh "${LR_FUZZ_SECONDS:-15}"
