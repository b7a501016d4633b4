#!/usr/bin/env bash
# make test: install what is needed, build, then run every suite on throwaway
# clusters: pg_regress over sql/*.sql, then each test/suites/*.sh.
# Prints regression.diffs on failure and ends with one line "N passed, N failed";
# exits non-zero on any failure.
#
#   WERROR=1          build with warnings as errors (CI does)
#   LR_SUITES="a b"   run only these suites from test/suites (default: all);
#                     LR_SUITES=none runs pg_regress alone
#   LR_REGRESS="x y"  run only these pg_regress tests (default: all of sql/)
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh --test || exit 1
. test/lib.sh

echo "== build"
mkdir -p "$LR_BUILD"
make -s ${WERROR:+WERROR=$WERROR} PG_CONFIG="$PG_CONFIG" all >"$LR_BUILD/build.log" 2>&1 || {
  cat "$LR_BUILD/build.log"; echo "0 passed, 1 failed"; exit 1; }
lr_tmp_install || { echo "temporary installation failed"; echo "0 passed, 1 failed"; exit 1; }
lr_make_work
trap 'rm -rf "$LR_WORK"' EXIT

passed=0
failed=0

# ---- pg_regress: one throwaway instance, every file in sql/ (each loads the extension itself).
echo "== pg_regress"
cp -r sql expected "$LR_WORK"/
[ -d data ] && cp -r data "$LR_WORK"/
cp test/regress.conf "$LR_WORK"/
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$LR_WORK"
if [ -n "${LR_REGRESS:-}" ]; then
  tests=($LR_REGRESS)
else
  tests=($(ls sql/*.sql | sed 's|sql/||; s|\.sql$||'))
fi
regress=$LR_TI$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress
(cd "$LR_WORK" && lr_as_user "$regress" \
   --temp-instance="$LR_WORK/tmp_check" --bindir="$LR_BIN" \
   --inputdir="$LR_WORK" --outputdir="$LR_WORK/regress" \
   --temp-config="$LR_WORK/regress.conf" --encoding=UTF8 --no-locale \
   --load-extension=loan_risk "${tests[@]}") 2>&1 | tee "$LR_WORK/pg_regress.out"
ok=$(grep -Ec '(\.\.\. ok|^ok [0-9]+)' "$LR_WORK/pg_regress.out")
bad=$(grep -Ec '(\.\.\. FAILED|failed \(ignored\)|^not ok [0-9]+)' "$LR_WORK/pg_regress.out")
if [ $((ok + bad)) -lt ${#tests[@]} ]; then
  # pg_regress stopped early (initdb, server start, ...): count what did not run as failed.
  bad=$((${#tests[@]} - ok))
fi
passed=$((passed + ok))
failed=$((failed + bad))
rm -rf "$LR_BUILD/results" "$LR_BUILD/regression.diffs"
[ -d "$LR_WORK/regress/results" ] && cp -r "$LR_WORK/regress/results" "$LR_BUILD/results"
if [ -s "$LR_WORK/regress/regression.diffs" ]; then
  cp "$LR_WORK/regress/regression.diffs" "$LR_BUILD/regression.diffs"
  echo "== regression.diffs (also in build/regression.diffs)"
  cat "$LR_WORK/regress/regression.diffs"
fi

# ---- Other suites: each prints its own "N passed, N failed" as its last such line.
if [ "${LR_SUITES:-}" != none ]; then
  for s in test/suites/*.sh; do
    [ -e "$s" ] || continue
    name=$(basename "$s" .sh)
    if [ -n "${LR_SUITES:-}" ] && ! [[ " $LR_SUITES " == *" $name "* ]]; then continue; fi
    echo "== suite $name"
    LR_WORK_PARENT=$LR_WORK bash "$s" 2>&1 | tee "$LR_WORK/suite-$name.out"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LR_WORK/suite-$name.out" | tail -1)
    if [ -z "$line" ]; then
      echo "suite $name printed no result line: counted as 1 failure"
      failed=$((failed + 1))
    else
      passed=$((passed + $(echo "$line" | awk '{print $1}')))
      failed=$((failed + $(echo "$line" | awk '{print $3}')))
    fi
  done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
