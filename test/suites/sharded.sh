#!/usr/bin/env bash
# Suite: scale-out over postgres_fdw.  Four local PostgreSQL instances on
# loopback: a coordinator and three shards, each with the extension.  On the
# coordinator, tables are partitioned by hash of the applicant or merchant id
# into postgres_fdw foreign partitions (server options extensions 'loan_risk'
# and async_capable), loaded with the sample data; a local copy of the same
# data sits beside them.  test/sharded/sql/sharded.sql then proves, by plan
# and by result, what ships to the shards (see doc/scale-out.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
lr_make_work
trap 'for c in coord shard1 shard2 shard3; do lr_cluster_stop $c; done; rm -rf "$LR_WORK"' EXIT
lr_need_install || { echo "0 passed, 1 failed"; exit 1; }

fail() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }
declare -A PORT
for c in shard1 shard2 shard3 coord; do
  lr_cluster_start "$c" "max_parallel_workers_per_gather = 2" || fail "cannot start $c"
  PORT[$c]=$LR_PORT
done

SHARD_DDL="CREATE EXTENSION loan_risk;
CREATE TABLE applicants (id integer PRIMARY KEY, region text, industry text, months_active integer,
  gmv_90d numeric, refund_share numeric, repeat_payer_share numeric, night_share numeric, bad integer, pd float8);
CREATE TABLE outcomes (region text, id integer, score float8, pd float8, bad integer);
CREATE TABLE transactions (txn_id bigint, merchant_id integer, ts timestamptz, amount numeric(14,2), payer text);"
for s in shard1 shard2 shard3; do
  lr_psql "$s" -d postgres -c "CREATE DATABASE shard" >/dev/null || fail "createdb on $s"
  lr_psql "$s" -d shard -c "$SHARD_DDL" >/dev/null || fail "schema on $s"
  # Day boundaries of merchant features: every node must count days alike.
  lr_psql "$s" -d postgres -c "ALTER DATABASE shard SET loan_risk.timezone = 'Asia/Shanghai'" >/dev/null
done

cp data/applicants.csv data/demo_card.json data/features/generate.sql "$LR_WORK"/
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK"/applicants.csv "$LR_WORK"/demo_card.json "$LR_WORK"/generate.sql
lr_psql coord -d postgres -c "CREATE DATABASE sharded" >/dev/null
{
  echo "CREATE EXTENSION loan_risk; CREATE EXTENSION postgres_fdw;"
  i=0
  for s in shard1 shard2 shard3; do
    echo "CREATE SERVER $s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$LR_WORK/$s/sock', port '${PORT[$s]}', dbname 'shard', extensions 'loan_risk', async_capable 'true', fetch_size '10000');"
    echo "CREATE USER MAPPING FOR postgres SERVER $s OPTIONS (user 'postgres');"
  done
  cat <<'SQL'
CREATE TABLE applicants (id integer, region text, industry text, months_active integer,
  gmv_90d numeric, refund_share numeric, repeat_payer_share numeric, night_share numeric, bad integer, pd float8)
  PARTITION BY HASH (id);
CREATE TABLE outcomes (region text, id integer, score float8, pd float8, bad integer) PARTITION BY HASH (region);
CREATE TABLE transactions (txn_id bigint, merchant_id integer, ts timestamptz, amount numeric(14,2), payer text)
  PARTITION BY HASH (merchant_id);
SQL
  for r in 0 1 2; do
    s=shard$((r + 1))
    for t in applicants outcomes transactions; do
      echo "CREATE FOREIGN TABLE ${t}_$s PARTITION OF $t FOR VALUES WITH (MODULUS 3, REMAINDER $r) SERVER $s OPTIONS (table_name '$t');"
    done
  done
  cat <<'SQL'
CREATE TABLE applicants_local (LIKE applicants);
\copy applicants_local (id, region, industry, months_active, gmv_90d, refund_share, repeat_payer_share, night_share, bad) FROM 'applicants.csv' WITH (FORMAT csv, HEADER)
INSERT INTO applicants SELECT * FROM applicants_local;
CREATE TABLE scorecards (name text PRIMARY KEY, card loan_risk.scorecard);
\set card `cat demo_card.json`
INSERT INTO scorecards VALUES ('smb_demo', :'card');
CREATE TABLE outcomes_local AS
SELECT a.region, a.id, loan_risk.score(s.card, a) AS score, loan_risk.pd(s.card, a) AS pd, a.bad
FROM applicants_local a, scorecards s;
INSERT INTO outcomes SELECT * FROM outcomes_local;
\set transactions 60000
\set merchants 300
\i generate.sql
CREATE TABLE transactions_local AS SELECT txn_id, merchant_id, ts, amount, payer FROM lr_transactions;
INSERT INTO transactions SELECT * FROM transactions_local;
ANALYZE;
SQL
} > "$LR_WORK/coord_setup.sql"
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK/coord_setup.sql"
(cd "$LR_WORK" && lr_psql coord -d sharded -f coord_setup.sql >"$LR_WORK/setup.log" 2>&1) || { cat "$LR_WORK/setup.log"; fail "coordinator setup"; }
for s in shard1 shard2 shard3; do
  n=$(lr_psql "$s" -d shard -At -c "SELECT count(*) FROM applicants")
  echo "$s holds $n applicants"
done

# The checks: a pg_regress file run on the coordinator's database.
work=$LR_WORK/regress-sharded
mkdir -p "$work/out"
cp -r test/sharded/sql test/sharded/expected "$work"/
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$work"
regress=$LR_TI$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress
(cd "$work" && lr_as_user "$regress" --use-existing --host="$LR_WORK/coord/sock" --port="${PORT[coord]}" \
   --user=postgres --dbname=sharded --bindir="$LR_BIN" --inputdir="$work" --outputdir="$work/out" sharded) \
   >"$work/regress.log" 2>&1
grep -E "^(test |ok |not ok )" "$work/regress.log"
mkdir -p "$LR_BUILD/sharded"
cp "$work/out/results/"* "$LR_BUILD/sharded/" 2>/dev/null
if grep -Eq "\.\.\. ok|^ok " "$work/regress.log"; then
  echo "1 passed, 0 failed"
else
  cat "$work/out/regression.diffs" 2>/dev/null | head -150
  echo "0 passed, 1 failed"
fi
