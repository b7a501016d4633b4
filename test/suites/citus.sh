#!/usr/bin/env bash
# Suite: scale-out on Citus.  A coordinator and two workers on loopback
# (shared_preload_libraries = citus), loan_risk on every node; distributed
# tables of 8 shards loaded with the sample data, and a local copy of the
# same data beside them.  test/citus/sql/citus.sql then proves, by plan (the
# EXPLAIN lines that show where each part runs) and by result (equal to the
# local copy's), what runs on the workers and what is read on the
# coordinator (doc/scale-out.md).
#
# Citus is not part of PostgreSQL: this suite runs only where it is
# installed into the PostgreSQL the tests use (citus.so in its library
# directory), and otherwise says it was skipped and counts nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

if [ ! -e "$LR_TI$($PG_CONFIG --pkglibdir)/citus.so" ] ||
   [ ! -e "$LR_TI$($PG_CONFIG --sharedir)/extension/citus.control" ]; then
  echo "citus: skipped (Citus is not installed)"
  echo "0 passed, 0 failed"
  exit 0
fi

lr_make_work
NODES="coord worker1 worker2"
trap 'for c in $NODES; do lr_cluster_stop $c; done; rm -rf "$LR_WORK"' EXIT
fail() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }

declare -A PORT
for c in worker1 worker2 coord; do
  lr_cluster_start "$c" "shared_preload_libraries = 'citus'" "max_parallel_workers_per_gather = 0" \
    "max_connections = 100" || fail "cannot start $c"
  PORT[$c]=$LR_PORT
done
for c in $NODES; do
  lr_psql "$c" -d postgres -c "CREATE DATABASE citus" >/dev/null || fail "createdb on $c"
  lr_psql "$c" -d citus -c "CREATE EXTENSION citus" >/dev/null || fail "citus on $c"
done
lr_psql coord -d citus -v ON_ERROR_STOP=1 >/dev/null <<SQL || fail "cannot form the cluster"
SELECT citus_set_coordinator_host('127.0.0.1', ${PORT[coord]});
SELECT citus_add_node('127.0.0.1', ${PORT[worker1]});
SELECT citus_add_node('127.0.0.1', ${PORT[worker2]});
SQL
version=$(lr_psql coord -d citus -At -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'")
echo "Citus $version: a coordinator and 2 workers"

cp data/applicants.csv data/demo_card.json data/features/generate.sql "$LR_WORK"/
cp data/decision/fixture.sql "$LR_WORK"/decision_fixture.sql
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK"/applicants.csv "$LR_WORK"/demo_card.json "$LR_WORK"/generate.sql \
  "$LR_WORK"/decision_fixture.sql
cat > "$LR_WORK/setup.sql" <<'SQL'
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- CREATE EXTENSION on the coordinator is propagated to the workers.
CREATE EXTENSION loan_risk;
SET citus.shard_count = 8;

-- Applicants, distributed by id; the local copy beside them.
CREATE TABLE applicants (id integer PRIMARY KEY, region text, industry text, months_active integer,
  gmv_90d numeric, refund_share numeric, repeat_payer_share numeric, night_share numeric, bad integer, pd float8);
\copy applicants (id, region, industry, months_active, gmv_90d, refund_share, repeat_payer_share, night_share, bad) FROM 'applicants.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE applicants_local AS SELECT * FROM applicants;
SELECT create_distributed_table('applicants', 'id');
SELECT truncate_local_data_after_distributing_table('applicants');

-- Scorecards: a reference table (a copy on every node).
CREATE TABLE scorecards (name text PRIMARY KEY, card loan_risk.scorecard);
\set card `cat demo_card.json`
INSERT INTO scorecards VALUES ('smb_demo', :'card');
SELECT create_reference_table('scorecards');

-- Scores and outcomes, distributed by region (groups of a region on one shard).
CREATE TABLE outcomes_local AS
SELECT a.region, a.id, loan_risk.score(s.card, a) AS score, loan_risk.pd(s.card, a) AS pd, a.bad,
       CASE WHEN a.id % 2 = 0 THEN 'baseline' ELSE 'recent' END AS period
FROM applicants_local a, scorecards s;
CREATE TABLE outcomes AS SELECT * FROM outcomes_local;
SELECT create_distributed_table('outcomes', 'region');
SELECT truncate_local_data_after_distributing_table('outcomes');

-- Transactions of 300 merchants, distributed by merchant.
\set transactions 60000
\set merchants 300
\i generate.sql
CREATE TABLE transactions_local AS SELECT txn_id, merchant_id, ts, amount, payer FROM lr_transactions;
CREATE TABLE transactions AS SELECT * FROM transactions_local;
SELECT create_distributed_table('transactions', 'merchant_id');
SELECT truncate_local_data_after_distributing_table('transactions');

-- Bank products: a reference table (the products' own cards are the demo card).
CREATE TABLE bank_products_local (product_id text, bank text, product_type text, min_amount numeric, max_amount numeric,
  min_term int, max_term int, rate numeric, min_rate numeric, max_rate numeric, rules jsonb,
  approval_model loan_risk.scorecard);
INSERT INTO bank_products_local
SELECT id, 'Bank ' || id, kind, amin, amax, 6, 36, rate, rmin, rmax, rules::jsonb, s.card
FROM scorecards s, (VALUES
  ('p1', 'tax_loan', 1000, 100000, 0.12, NULL, NULL, '[]'),
  ('p2', 'owner_loan', 5000, 50000, NULL, 0.08, 0.20,
   '[{"dimension": "applicant", "reason": "Served regions", "column": "region", "op": "in", "value": ["zhejiang", "jiangsu"]}]'),
  ('p3', 'bill_loan', 1000, 200000, 0.10, NULL, NULL,
   '[{"dimension": "applicant", "reason": "Six months of trading", "column": "months_active", "op": ">=", "value": 6}]')
) v(id, kind, amin, amax, rate, rmin, rmax, rules);
CREATE TABLE bank_products AS SELECT * FROM bank_products_local;
SELECT create_reference_table('bank_products');

-- A transfer graph, distributed by its first endpoint.
CREATE TABLE edges_local AS
SELECT (hashint4(i) & 4095)::bigint AS a, (hashint4(i * 7 + 3) & 4095)::bigint AS b
FROM generate_series(1, 20000) i;
CREATE TABLE edges AS SELECT * FROM edges_local;
SELECT create_distributed_table('edges', 'a');
SELECT truncate_local_data_after_distributing_table('edges');

-- A small loan book: 600 loans and 12 months of performance, distributed by loan.
CREATE TABLE loans_local AS
SELECT i::bigint AS loan_id, date '2023-01-01' + (i % 180) AS originated, (1000 + i % 97 * 50)::numeric AS amount,
       (ARRAY['retail', 'food', 'services'])[1 + i % 3] AS segment
FROM generate_series(1, 600) i;
CREATE TABLE performance_local AS
SELECT l.loan_id, (date_trunc('month', l.originated) + m * interval '1 month')::date AS month,
       CASE WHEN hashint4(l.loan_id::int * 13 + m) & 15 = 0 THEN 30 * m ELSE 0 END AS days_past_due,
       round(l.amount * (1 - m / 13.0), 2) AS balance
FROM loans_local l, generate_series(1, 12) m;
CREATE TABLE loans AS SELECT * FROM loans_local;
CREATE TABLE performance AS SELECT * FROM performance_local;
SELECT create_distributed_table('loans', 'loan_id');
SELECT create_distributed_table('performance', 'loan_id', colocate_with => 'loans');
SELECT truncate_local_data_after_distributing_table('loans');
SELECT truncate_local_data_after_distributing_table('performance');
-- The decision fixture (applicants, the lender's list tables, strategies) in
-- a schema of its own: its applicants distributed, a local copy beside them;
-- strategies and lists are reference tables.
CREATE SCHEMA decision;
SET search_path = decision, public;
\set dec_n 2000
\i decision_fixture.sql
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TABLE applicants_local AS SELECT * FROM applicants;
SELECT create_distributed_table('applicants', 'applicant_id');
SELECT truncate_local_data_after_distributing_table('applicants');
SELECT create_reference_table('strategies');
SELECT create_reference_table('risk.blacklist');
SELECT create_reference_table('risk.greylist');
SELECT create_reference_table('risk.whitelist');
RESET search_path;
ANALYZE;
SQL
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK/setup.sql"
(cd "$LR_WORK" && lr_psql coord -d citus -f setup.sql >"$LR_WORK/setup.log" 2>&1) || { cat "$LR_WORK/setup.log"; fail "coordinator setup"; }
for c in worker1 worker2; do
  shards=$(lr_psql coord -d citus -At -c "SELECT count(*) FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid)
    JOIN pg_dist_node n USING (groupid) WHERE s.logicalrelid = 'applicants'::regclass AND n.nodeport = ${PORT[$c]}")
  echo "$c holds $shards shards of applicants, loan_risk $(lr_psql "$c" -d citus -At -c "SELECT extversion FROM pg_extension WHERE extname = 'loan_risk'")"
done

# The checks: a pg_regress file run on the coordinator's database.
work=$LR_WORK/regress-citus
mkdir -p "$work/out"
cp -r test/citus/sql test/citus/expected "$work"/
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$work"
regress=$LR_TI$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress
(cd "$work" && lr_as_user "$regress" --use-existing --host="$LR_WORK/coord/sock" --port="${PORT[coord]}" \
   --user=postgres --dbname=citus --bindir="$LR_BIN" --inputdir="$work" --outputdir="$work/out" citus) \
   >"$work/regress.log" 2>&1
grep -E "^(test |ok |not ok )" "$work/regress.log"
mkdir -p "$LR_BUILD/citus"
cp "$work/out/results/"* "$LR_BUILD/citus/" 2>/dev/null
if grep -Eq "\.\.\. ok|^ok " "$work/regress.log"; then
  echo "1 passed, 0 failed"
else
  cat "$work/out/regression.diffs" 2>/dev/null | head -200
  echo "0 passed, 1 failed"
fi
