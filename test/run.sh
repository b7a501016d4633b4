#!/usr/bin/env bash
# make test: install what is needed, build, check the include rules
# (test/layers.sh) and the length of functions (test/function_length.sh),
# then run every suite on throwaway clusters: pg_regress over sql/*.sql, then
# each test/suites/*.sh.
# Prints regression.diffs on failure and ends with one line "N passed, N failed";
# exits non-zero on any failure.
#
#   WERROR=1          build with warnings as errors (CI does)
#   LR_SUITES="a b"   run only these suites from test/suites (default: all);
#                     LR_SUITES=none runs pg_regress alone
#   LR_REGRESS="x y"  run only these pg_regress tests (default: all of sql/);
#                     LR_REGRESS=none runs the suites alone
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh --test || exit 1
. test/lib.sh

echo "== build"
mkdir -p "$LR_BUILD"
make -s ${WERROR:+WERROR=$WERROR} PG_CONFIG="$PG_CONFIG" all >"$LR_BUILD/build.log" 2>&1 || {
  cat "$LR_BUILD/build.log"; echo "0 passed, 1 failed"; exit 1; }
# The installation the servers run from goes in the scratch directory, which
# the server user can reach wherever the checkout is; the suites get it
# through LR_TI.
lr_make_work
trap 'rm -rf "$LR_WORK"' EXIT
lr_tmp_install || { echo "temporary installation failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0

# ---- The include rules of DEVELOPING.md ("Layers") and the length of
# functions, with every full pg_regress run.
if [ -z "${LR_REGRESS:-}" ] || [[ " ${LR_SUITES:-} " == *" layers "* ]]; then
  echo "== layers"
  if bash test/layers.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi
if [ -z "${LR_REGRESS:-}" ] || [[ " ${LR_SUITES:-} " == *" function_length "* ]]; then
  echo "== function_length"
  if bash test/function_length.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

# ---- pg_regress: one throwaway cluster; each file in sql/ runs in a database
# of its own (see lr_regress_run in test/lib.sh).
if [ "${LR_REGRESS:-}" = none ]; then
  tests=()
elif [ -n "${LR_REGRESS:-}" ]; then
  tests=($LR_REGRESS)
else
  tests=($(ls sql/*.sql | sed 's|sql/||; s|\.sql$||'))
fi
mapfile -t conf < <(grep -v '^#' test/regress.conf | sed '/^$/d')
LR_REGRESS_OK=0; LR_REGRESS_BAD=0
if [ ${#tests[@]} -eq 0 ]; then
  :
elif echo "== pg_regress" && lr_cluster_start regress "${conf[@]}"; then
  lr_regress_run regress "$LR_BUILD" "${tests[@]}"
  lr_cluster_stop regress
else
  LR_REGRESS_OK=0; LR_REGRESS_BAD=${#tests[@]}
fi
passed=$((passed + LR_REGRESS_OK))
failed=$((failed + LR_REGRESS_BAD))

# ---- Other suites: each prints its own "N passed, N failed" as its last such line.
if [ "${LR_SUITES:-}" != none ]; then
  for s in test/suites/*.sh; do
    [ -e "$s" ] || continue
    name=$(basename "$s" .sh)
    if [ -n "${LR_SUITES:-}" ] && ! [[ " $LR_SUITES " == *" $name "* ]]; then continue; fi
    echo "== suite $name"
    bash "$s" 2>&1 | tee "$LR_WORK/suite-$name.out"
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
