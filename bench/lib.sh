# bench/lib.sh: helpers for benchmarks.  Source it after test/lib.sh.
#
#   lr_bench_setup NAME    build, temp-install, start a tuned throwaway cluster
#   lr_bench_sql FILE      run a SQL file against it (psql, timing on)
#   lr_bench_time LABEL SQL [RUNS]   best-of-RUNS wall time of one statement, in ms
#   lr_bench_teardown
#
# The cluster is sized for this machine (24 GiB, 2 cores): data of the
# benchmark sizes stays in shared buffers so runs measure computation, not I/O.

lr_bench_setup() {
  local name=$1
  bash "$LR_ROOT/scripts/deps.sh" --bench >/dev/null || return 1
  make -C "$LR_ROOT" -s PG_CONFIG="$PG_CONFIG" all >/dev/null || return 1
  lr_tmp_install || return 1
  lr_make_work
  LR_BENCH_NAME=$name
  lr_cluster_start "$name" \
    "shared_buffers = '6GB'" "work_mem = '256MB'" "maintenance_work_mem = '1GB'" \
    "max_parallel_workers_per_gather = 2" "max_wal_size = '8GB'" \
    "synchronous_commit = off" "wal_level = minimal" "max_wal_senders = 0" \
    "jit = off" || return 1
  lr_psql "$name" -d postgres -c "CREATE DATABASE bench" >/dev/null
  lr_psql "$name" -d bench -c "CREATE EXTENSION loan_risk" >/dev/null
}

lr_bench_sql() {
  lr_psql "$LR_BENCH_NAME" -d bench -f "$1"
}

# lr_bench_time LABEL SQL [RUNS]: prints "LABEL<TAB>best_ms" and sets LR_BENCH_MS.
lr_bench_time() {
  local label=$1 sql=$2 runs=${3:-3} best= i t
  for i in $(seq "$runs"); do
    t=$(printf '\\timing on\n%s\n' "$sql" | lr_psql "$LR_BENCH_NAME" -d bench 2>&1 |
        sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
    [ -z "$t" ] && { echo "benchmark statement failed: $sql" >&2; return 1; }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  LR_BENCH_MS=$best
  printf '%-60s %12.1f ms\n' "$label" "$best"
}

lr_bench_teardown() {
  lr_cluster_stop "$LR_BENCH_NAME"
  rm -rf "$LR_WORK"
}
