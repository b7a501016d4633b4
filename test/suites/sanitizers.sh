#!/usr/bin/env bash
# Suite: the whole pg_regress suite against the extension built with
# AddressSanitizer and UndefinedBehaviorSanitizer, the ASan runtime preloaded
# into the server.  Any sanitizer report in the server log, or any backend
# killed by a signal, fails the suite.  (PostgreSQL's own palloc arenas are not
# instrumented: ASan sees malloc'd memory, stacks and globals; UBSan sees all
# of the extension's arithmetic, shifts, alignment and bounds it can.)
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
lr_make_work
trap 'lr_cluster_stop asan; rm -rf "$LR_WORK"' EXIT

# A separate copy of the tree, built with the sanitizers, installed into its own temp install.
SRC=$LR_WORK/src-asan
mkdir -p "$SRC"
cp -r Makefile loan_risk.control.in META.json.in src "$SRC"/
# Committed install and upgrade scripts of earlier versions (generated ones are
# rebuilt); by name, so that a checkout without .git (a tarball) works too.
for f in loan_risk--*.sql; do
  case "$f" in
    loan_risk--$(sed -n 's/^EXTVERSION *= *//p' Makefile).sql|loan_risk--*--$(sed -n 's/^EXTVERSION *= *//p' Makefile).sql) ;;
    *) cp "$f" "$SRC"/ ;;
  esac
done
FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1"
if ! make -C "$SRC" -s PG_CONFIG="$PG_CONFIG" LR_EXTRA_CFLAGS="$FLAGS" LR_EXTRA_LDFLAGS="-fsanitize=address,undefined" \
     >"$LR_WORK/asan-build.log" 2>&1; then
  cat "$LR_WORK/asan-build.log"; echo "0 passed, 1 failed"; exit 1
fi
LR_ROOT=$SRC lr_tmp_install "$LR_WORK/ti-asan" || { echo "0 passed, 1 failed"; exit 1; }

# glibc's bindtextdomain deadlocks under a preloaded ASan runtime during
# PostgreSQL's startup; the cluster uses lc_messages = C, so a shim that skips
# message catalogs (test/sanitizers/nonls.c) is preloaded after the runtime.
gcc -shared -fPIC -O2 -o "$LR_WORK/nonls.so" test/sanitizers/nonls.c || { echo "0 passed, 1 failed"; exit 1; }
LR_SERVER_ENV="LD_PRELOAD=$(gcc -print-file-name=libasan.so):$LR_WORK/nonls.so"
LR_SERVER_ENV+=" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:verify_asan_link_order=0:detect_stack_use_after_return=0"
LR_SERVER_ENV+=" UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
mapfile -t conf < <(grep -v '^#' test/regress.conf | sed '/^$/d')
lr_cluster_start asan "${conf[@]}" || { echo "0 passed, 1 failed"; exit 1; }
# Prove the runtime is really in the server and the extension is instrumented.
pm=$(head -1 "$LR_WORK/asan/data/postmaster.pid")
mapped=$(grep -c libasan "/proc/$pm/maps")
instrumented=$(nm -D "$LR_TI$($PG_CONFIG --pkglibdir)/loan_risk.so" | grep -c __asan_report)
if [ "$mapped" -eq 0 ] || [ "$instrumented" -eq 0 ]; then
  echo "the server does not run with AddressSanitizer: the suite would prove nothing"
  echo "0 passed, 1 failed"; exit 1
fi
tests=($(ls sql/*.sql | sed 's|sql/||; s|\.sql$||'))
lr_regress_run asan "$LR_BUILD/asan" "${tests[@]}"

reports=$(grep -cE "AddressSanitizer|runtime error:|LeakSanitizer|terminated by signal" "$LR_WORK/asan/server.log")
if [ "$reports" -gt 0 ]; then
  echo "sanitizer reports or crashes in the server log:"
  grep -E -A12 "AddressSanitizer|runtime error:|terminated by signal" "$LR_WORK/asan/server.log" | head -60
  LR_REGRESS_BAD=$((LR_REGRESS_BAD + 1))
fi
echo "$LR_REGRESS_OK passed, $LR_REGRESS_BAD failed"
