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

# ---- pg_regress: one throwaway cluster; each file in sql/ runs in a database
# of its own (fresh, with the extension and pg_regress's usual settings), so
# every file stands alone and runs in any order; two at a time.
echo "== pg_regress"
cp -r sql expected "$LR_WORK"/
[ -d data ] && cp -r data "$LR_WORK"/
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$LR_WORK"
if [ -n "${LR_REGRESS:-}" ]; then
  tests=($LR_REGRESS)
else
  tests=($(ls sql/*.sql | sed 's|sql/||; s|\.sql$||'))
fi
mapfile -t conf < <(grep -v '^#' test/regress.conf | sed '/^$/d')
lr_cluster_start regress "${conf[@]}" || { echo "0 passed, ${#tests[@]} failed"; exit 1; }
export LR_REGRESS_BIN=$LR_TI$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress
export LR_PORT LR_SOCK LR_WORK LR_BIN
export -f lr_as_user lr_psql
export LR_RUNAS_STR="${LR_RUNAS[*]}"
run_one() {
  local t=$1 db=t_$1
  local out=$LR_WORK/regress/$t
  mkdir -p "$out"
  [ -n "$LR_RUNAS_STR" ] && chown "$LR_USER" "$out"
  {
    $LR_RUNAS_STR "$LR_BIN/psql" -X -q -h "$LR_SOCK" -p "$LR_PORT" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE template0" \
      -c "ALTER DATABASE $db SET lc_messages TO 'C'" -c "ALTER DATABASE $db SET lc_monetary TO 'C'" \
      -c "ALTER DATABASE $db SET lc_numeric TO 'C'" -c "ALTER DATABASE $db SET lc_time TO 'C'" \
      -c "ALTER DATABASE $db SET bytea_output TO 'hex'" \
      -c "ALTER DATABASE $db SET timezone_abbreviations TO 'Default'" &&
    $LR_RUNAS_STR "$LR_BIN/psql" -X -q -h "$LR_SOCK" -p "$LR_PORT" -U postgres -d "$db" \
      -c "CREATE EXTENSION loan_risk" &&
    (cd "$LR_WORK" && $LR_RUNAS_STR "$LR_REGRESS_BIN" --use-existing --host="$LR_SOCK" --port="$LR_PORT" \
       --user=postgres --dbname="$db" --bindir="$LR_BIN" \
       --inputdir="$LR_WORK" --outputdir="$out" "$t")
  } >"$out.log" 2>&1
}
export -f run_one
export LR_USER
printf '%s\n' "${tests[@]}" | xargs -P 2 -I{} bash -c 'run_one "$@"' _ {}
lr_cluster_stop regress

ok=0; bad=0
rm -rf "$LR_BUILD/results" "$LR_BUILD/regression.diffs"
mkdir -p "$LR_BUILD/results"
for t in "${tests[@]}"; do
  line=$(grep -E '^(test |ok |not ok |     )' "$LR_WORK/regress/$t.log" | grep -E "$t" | tail -1)
  if grep -Eq "(\.\.\. ok|^ok [0-9]+)" <<<"$line"; then
    ok=$((ok + 1)); echo "${line:-test $t ... ok}"
  else
    bad=$((bad + 1)); echo "${line:-test $t ... FAILED (did not run)}"
    grep -vE '^(=|test |     )' "$LR_WORK/regress/$t.log" | sed 's/^/    /' | tail -5
    [ -s "$LR_WORK/regress/$t/regression.diffs" ] && cat "$LR_WORK/regress/$t/regression.diffs" >> "$LR_BUILD/regression.diffs"
  fi
  cp "$LR_WORK/regress/$t/results/"* "$LR_BUILD/results/" 2>/dev/null
done
passed=$((passed + ok))
failed=$((failed + bad))
if [ -s "$LR_BUILD/regression.diffs" ]; then
  echo "== regression.diffs (also in build/regression.diffs)"
  cat "$LR_BUILD/regression.diffs"
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
