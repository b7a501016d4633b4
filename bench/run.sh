#!/usr/bin/env bash
# make bench: runs every bench/<area>/run.sh in turn (they take long: minutes
# to an hour at the issue sizes) and keeps their reports in bench/out/.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
for b in bench/*/run.sh; do
  [ -e "$b" ] || continue
  area=$(basename "$(dirname "$b")")
  if [ -n "${LR_BENCH:-}" ] && ! [[ " $LR_BENCH " == *" $area "* ]]; then continue; fi
  echo "== bench $area"
  bash "$b" 2>&1 | tee "bench/out/$area.txt"
done
