#!/usr/bin/env bash
# Suite: make test from a checkout the server user cannot enter.  As root the
# servers run as postgres, and a checkout under /root or in a mktemp -d
# directory (mode 700) is out of postgres's reach: everything a server or
# client reads or runs must be put in a scratch directory first (test/lib.sh).
# This copies the working tree (the files git tracks or would track, and the
# current build's objects with their times, so nothing is rebuilt needlessly)
# into a fresh mktemp -d directory, checks that postgres really cannot read
# it, runs a small make test there and passes when that passes.
#
#   LR_CHECKOUT_REGRESS   pg_regress files (default: catalog scorecard_type
#                         antifraud_iforest_limits upgrade)
#   LR_CHECKOUT_SUITES    suites (default: sqlsmith, 200 queries)
#
# Not root: skipped, and counted as passed (the servers run as the runner,
# who can read its own checkout: the case cannot arise).
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

if [ "$(id -u)" -ne 0 ]; then
  echo "checkout: skipped (the runner is not root, so the servers run as the runner, who reads its own checkout)"
  echo "1 passed, 0 failed"
  exit 0
fi
if [ -n "${LR_CHECKOUT_INNER:-}" ]; then
  echo "checkout: skipped (already inside a checkout run)"
  echo "1 passed, 0 failed"
  exit 0
fi
REGRESS=${LR_CHECKOUT_REGRESS:-"catalog scorecard_type antifraud_iforest_limits upgrade"}
SUITES=${LR_CHECKOUT_SUITES:-sqlsmith}

OUTER=$(mktemp -d /tmp/loan_risk-checkout.XXXXXX)
trap 'rm -rf "$OUTER"' EXIT
TREE=$OUTER/loan_risk
mkdir "$TREE"
fail() { echo "checkout: FAILED ($1)"; echo "0 passed, 1 failed"; exit 1; }

# The working tree as git sees it, then the build's objects and generated files.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    xargs -0 -r cp -p --parents -t "$TREE" || fail "copying the tracked files"
else
  tar -C . --exclude=./build -cf - . | tar -C "$TREE" -xpf - || fail "copying the tree"
fi
find . -path ./build -prune -o \( -name '*.o' -o -name '*.d' -o -name '*.so' -o -name '*.bc' \
  -o -name 'loan_risk--*.sql' -o -name '*.control' -o -name META.json \) -type f -print0 |
  xargs -0 -r cp -p --parents -t "$TREE" 2>/dev/null

mode=$(stat -c %a "$OUTER")
if lr_as_user test -r "$TREE/Makefile" 2>/dev/null; then
  fail "$LR_USER can read $TREE/Makefile (mode $mode): the case is not tested"
fi
echo "checkout: a copy in $OUTER (mode $mode, $LR_USER cannot enter it); make test there:" \
  "pg_regress $REGRESS; suites $SUITES"

(cd "$TREE" && LR_CHECKOUT_INNER=1 LR_REGRESS="$REGRESS" LR_SUITES="$SUITES" LR_SQLSMITH_QUERIES=200 \
   WERROR=${WERROR:-} make test) >"$OUTER/make-test.log" 2>&1
rc=$?
grep -E "^(test |ok |not ok |== suite|[0-9]+ passed, [0-9]+ failed)" "$OUTER/make-test.log" | sed 's/^/    /'
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUTER/make-test.log" | tail -1)
denied=$(grep -cE "Permission denied|could not change directory" "$OUTER/make-test.log")
if [ "$rc" -ne 0 ] || [ -z "$line" ] || [ "$(echo "$line" | awk '{print $3}')" != 0 ] \
   || [ "$(echo "$line" | awk '{print $1}')" -eq 0 ] || [ "$denied" -gt 0 ]; then
  grep -E "Permission denied|could not change directory|FAILED|failed" "$OUTER/make-test.log" | head -20 | sed 's/^/    /'
  fail "make test in the copy: exit code $rc, \"${line:-no result line}\", $denied permission messages"
fi
echo "checkout: make test from a directory $LR_USER cannot enter: $line"
echo "1 passed, 0 failed"
