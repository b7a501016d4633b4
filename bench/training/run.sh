#!/usr/bin/env bash
# bench/training: a scorecard trained in the database against scikit-learn,
# and the information value of 20 features in one binning pass against the
# plain-SQL way.  Same data, same run:
#
#   train_scorecard(train, 20 features)   binning + selection + IRLS fit + scaling
#                                         + scoring pass, serial (1 thread) and
#                                         2 workers + 2 threads; and with every
#                                         pass a query (training_in_memory off)
#   scikit-learn LogisticRegression       COPY out + read (pandas) + fit, and fit
#                                         alone, on the 20 standardised features
#                                         (StandardScaler + lbfgs, as its docs advise)
#   binning(all 20 features)              one pass + optimal binning, IV of each
#   ntile(10) + GROUP BY per feature      20 queries, IV in SQL (the usual way), at
#                                         the bench's work_mem (256MB) and at the
#                                         server default (4MB, where sorts spill)
#
# and the test AUC (rows with id % 5 = 0, not trained on) of both models.
# The data: N applicants (default 10,000,000; 80% train) with 20 float8
# features, in one of two shapes:
#   LR_TRAINING_SHAPE=mixed (default; issue 20's shape): normal, lognormal,
#     exponential, uniform, Pareto-tailed, count, 0/1 and discretised columns,
#     5% NULLs in five of them, about 5% bad from a logistic truth linear in the
#     columns (the fit converges quickly, as issue 20 measured it); scikit-learn
#     gets the rows median-imputed and standardised, and its fit alone is the
#     LogisticRegression fit on those rows already in memory
#   LR_TRAINING_SHAPE=smooth (issue 4's): continuous, heavy-tailed, integer
#     counts, rounded money, small codes and a hidden logistic truth with
#     non-linear effects, no NULLs, about 10% bad
#
#   LR_TRAINING_ROWS     rows (default 10000000; issue 20 also asks 2000000)
#   LR_TRAINING_SKLEARN  0 to skip scikit-learn                   (default 1)
#   LR_TRAINING_NTILE    0 to skip the ntile peer                 (default 1)
#   LR_TRAINING_FIT      0 to skip train_scorecard and scikit-learn (default 1)
#
# A small run (1/50 of the issue's size):
#   LR_TRAINING_ROWS=200000 bash bench/training/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh

ROWS=${LR_TRAINING_ROWS:-10000000}
SHAPE=${LR_TRAINING_SHAPE:-mixed}
SKLEARN=${LR_TRAINING_SKLEARN:-1}
NTILE=${LR_TRAINING_NTILE:-1}
TRAINING=${LR_TRAINING_FIT:-1}     # 0: skip train_scorecard and scikit-learn (binning only)
PY=/usr/bin/python3
F=$(for i in $(seq -w 1 20); do printf 'f%s,' "$i"; done); F=${F%,}
FARR="{$F}"

lr_bench_setup training
trap lr_bench_teardown EXIT
sql() { printf '%s\n' "$1" | lr_psql "$LR_BENCH_NAME" -d bench; }

echo "== data: $ROWS applicants x 20 features, $SHAPE shape"
if [ "$SHAPE" = mixed ]; then
# u(k): the k-th uniform of row i, in (0, 1); z(k): a standard normal (Box-Muller).
sql "CREATE FUNCTION pg_temp.u(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  'SELECT ((hashint8(32 * i + k) & 1048575) + 0.5) / 1048576.0';
CREATE FUNCTION pg_temp.z(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  'SELECT sqrt(-2 * ln(pg_temp.u(i, k))) * cos(2 * pi() * pg_temp.u(i, k + 16))';
CREATE TABLE apps AS
WITH x AS (
  SELECT i,
         pg_temp.z(i, 0) AS f01,                                   -- normal
         CASE WHEN pg_temp.u(i, 30) < 0.05 THEN NULL ELSE exp(1 + 0.8 * pg_temp.z(i, 1)) END AS f02,  -- lognormal, 5% NULL
         -ln(pg_temp.u(i, 2)) AS f03,                              -- exponential
         pg_temp.u(i, 3) AS f04,                                   -- uniform
         CASE WHEN pg_temp.u(i, 31) < 0.05 THEN NULL ELSE power(pg_temp.u(i, 4), -1 / 1.5) END AS f05,  -- Pareto tail, 5% NULL
         floor(-3 * ln(pg_temp.u(i, 5))) AS f06,                   -- count
         (pg_temp.u(i, 6) < 0.3)::int::float8 AS f07,              -- 0/1
         round(pg_temp.u(i, 7) * 10) / 10 AS f08,                  -- discretised
         CASE WHEN pg_temp.u(i, 32) < 0.05 THEN NULL ELSE 50 + 10 * pg_temp.z(i, 8) END AS f09,  -- normal, 5% NULL
         round(exp(7 + pg_temp.z(i, 9))::numeric, 2)::float8 AS f10,               -- lognormal money
         -ln(pg_temp.u(i, 10)) * 30 AS f11,                        -- exponential
         floor(-1.5 * ln(pg_temp.u(i, 11))) AS f12,                -- count
         CASE WHEN pg_temp.u(i, 33) < 0.05 THEN NULL ELSE pg_temp.u(i, 12) * 100 END AS f13,  -- uniform, 5% NULL
         (pg_temp.u(i, 13) < 0.1)::int::float8 AS f14,             -- 0/1
         round(pg_temp.z(i, 14) * 2) AS f15,                       -- discretised normal
         CASE WHEN pg_temp.u(i, 34) < 0.05 THEN NULL ELSE power(pg_temp.u(i, 15), -1 / 2.5) * 1000 END AS f16,  -- Pareto, 5% NULL
         pg_temp.z(i, 20) AS f17,                                  -- noise
         pg_temp.u(i, 21) AS f18,                                  -- noise
         floor(pg_temp.u(i, 22) * 5) AS f19,                       -- codes 0..4
         exp(0.5 * pg_temp.z(i, 23)) AS f20,                       -- lognormal
         pg_temp.u(i, 24) AS v
  FROM generate_series(1::bigint, $ROWS) i)
SELECT i AS id, $F,
       -- a logistic truth linear in the columns as stored (NULL at a typical value), so that a
       -- logistic regression on the raw standardised columns is the right model and converges fast
       (v < 1 / (1 + exp(-(-3.95 + 0.45 * f01 + 0.06 * coalesce(f02, 2.7) + 0.35 * f03 - 0.6 * f04
                            + 0.01 * coalesce(f05, 1.6) - 0.08 * f06 + 0.5 * f07 + 0.4 * f08
                            - 0.02 * coalesce(f09 - 50, 0) - 0.00005 * f10 + 0.004 * f11 + 0.1 * f12
                            + 0.004 * coalesce(f13, 50) + 0.6 * f14 + 0.1 * f15))))::int AS bad
FROM x;" >/dev/null
else
sql "CREATE TABLE apps AS
WITH u AS (
  SELECT i,
         (hashint8(8 * i) & 1048575) / 1048576.0 AS u1, (hashint8(8 * i + 1) & 1048575) / 1048576.0 AS u2,
         (hashint8(8 * i + 2) & 1048575) / 1048576.0 AS u3, (hashint8(8 * i + 3) & 1048575) / 1048576.0 AS u4,
         (hashint8(8 * i + 4) & 1048575) / 1048576.0 AS u5, (hashint8(8 * i + 5) & 1048575) / 1048576.0 AS u6,
         (hashint8(8 * i + 6) & 1048575) / 1048576.0 AS u7, (hashint8(8 * i + 7) & 1048575) / 1048576.0 AS u8
  FROM generate_series(1::bigint, $ROWS) i),
x AS (
  SELECT i,
         u1::float8 AS f01, (u2 * u2)::float8 AS f02, ((u1 + u3) / 2)::float8 AS f03, exp(4 * u4)::float8 AS f04,
         (u5 * 100 - 50)::float8 AS f05, sqrt(u6)::float8 AS f06, (u7 * u3)::float8 AS f07, ((u8 - 0.5) ^ 3)::float8 AS f08,
         floor(50 * u2 * u5)::float8 AS f09, floor(12 * u6)::float8 AS f10, floor(30 * u7 * u7)::float8 AS f11,
         floor(5 * u8)::float8 AS f12,
         round((1000 * exp(3 * u3))::numeric, 2)::float8 AS f13, round((200 * u4 * u6)::numeric, 2)::float8 AS f14,
         round((5000 * u7)::numeric, 2)::float8 AS f15, round((100 * u1 * u8)::numeric, 2)::float8 AS f16,
         floor(10 * u5)::float8 AS f17, floor(4 * u1 * u2)::float8 AS f18, floor(7 * u3 * u4)::float8 AS f19,
         floor(3 * u6)::float8 AS f20,
         (hashint8(8 * i + 11) & 1048575) / 1048576.0 AS v
  FROM u)
SELECT i AS id, $F,
       (v < 1 / (1 + exp(-(-2.6 + 1.2 * f01 - 0.8 * f02 + 0.6 * f03 + 0.25 * ln(f04 + 1) - 0.01 * f05
                            + 1.5 * (f06 - 0.6) ^ 2 + 0.04 * f09 - 0.05 * f10 + 0.15 * f12 - 0.0001 * f13
                            + 0.1 * f17 - 0.2 * f20))))::int AS bad
FROM x;" >/dev/null
fi
sql "CREATE TABLE train AS SELECT * FROM apps WHERE id % 5 <> 0;
CREATE TABLE test AS SELECT * FROM apps WHERE id % 5 = 0;
ALTER TABLE apps SET (parallel_workers = 2);
ALTER TABLE train SET (parallel_workers = 2);
ALTER TABLE test SET (parallel_workers = 2);
VACUUM ANALYZE apps;
VACUUM ANALYZE train;
VACUUM ANALYZE test;
SELECT pg_size_pretty(pg_total_relation_size('train')) AS train_size, count(*) AS train_rows,
       round(avg(bad), 4) AS bad_rate FROM train;" >/dev/null

# The floor: a bare scan of the 20 columns.
scan="SELECT $(for i in $(seq -w 1 20); do printf 'sum(f%s)+' "$i"; done)0 FROM train;"
sql "SET max_parallel_workers_per_gather = 0;" >/dev/null
lr_bench_time "scan of the 20 columns (floor), serial" "SET max_parallel_workers_per_gather = 0; $scan" 2; scan_s=$LR_BENCH_MS
lr_bench_time "scan of the 20 columns (floor), 2 workers" "SET max_parallel_workers_per_gather = 2; $scan" 2; scan_p=$LR_BENCH_MS

train_s=NA; train_p=NA; train_q=NA; our_auc=NA; our_train_auc=NA
if [ "$TRAINING" = 1 ]; then
  echo "== scorecard: train_scorecard on $(( ROWS * 4 / 5 )) rows"
  TRAIN="SELECT loan_risk.train_scorecard('train', 'bad', '$FARR', '{\"selection\": {\"min_iv\": 0.005}}')"
  lr_bench_time "train_scorecard, serial" "SET client_min_messages = warning; SET max_parallel_workers_per_gather = 0; $TRAIN" 1; train_s=$LR_BENCH_MS
  lr_bench_time "train_scorecard, 2 workers + 2 threads" "SET client_min_messages = warning; SET max_parallel_workers_per_gather = 2; SET loan_risk.max_threads = 2; $TRAIN" 1; train_p=$LR_BENCH_MS
  lr_bench_time "train_scorecard, every pass a query (training_in_memory off), 2 workers" "SET client_min_messages = warning; SET max_parallel_workers_per_gather = 2; SET loan_risk.training_in_memory = off; $TRAIN" 1; train_q=$LR_BENCH_MS
  printf 'SET client_min_messages = notice; SET max_parallel_workers_per_gather = 2; SET loan_risk.max_threads = 2; %s;\n' "$TRAIN" |
    lr_psql "$LR_BENCH_NAME" -d bench 2>&1 | grep -o 'train_scorecard: pass.*' | sed 's/^/  /'
  sql "SET client_min_messages = warning; CREATE TABLE card AS $TRAIN AS card;" >/dev/null
  sql "SELECT 'passes: ' || (card::jsonb->'training'->>'passes') || ', features kept: ' || jsonb_array_length(card::jsonb->'features')
              || ', dropped: ' || jsonb_array_length(card::jsonb->'training'->'features_dropped')
              || ', iterations: ' || (card::jsonb->'statistics'->>'iterations') FROM card;" | sed -n 3p
  our_auc=$(sql "SELECT round(loan_risk.auc(-loan_risk.score(c.card, t), t.bad)::numeric, 4) FROM test t, card c;" | sed -n 3p | tr -d ' ')
  our_train_auc=$(sql "SELECT round((card::jsonb->'statistics'->>'auc')::numeric, 4) FROM card;" | sed -n 3p | tr -d ' ')
fi

sk_pull=NA; sk_fit=NA; sk_auc=NA; sk_version=NA; copy_ms=NA
if [ "$SKLEARN" = 1 ] && [ "$TRAINING" = 1 ] && $PY -c 'import sklearn, pandas' 2>/dev/null; then
  echo "== scikit-learn"
  dir=$LR_WORK/sk; mkdir -p "$dir"; chmod 777 "$dir"
  lr_bench_time "COPY the training rows out to CSV (for scikit-learn)" \
    "COPY (SELECT $F, bad FROM train) TO '$dir/train.csv' WITH (FORMAT csv);" 1; copy_ms=$LR_BENCH_MS
  sql "COPY (SELECT $F, bad FROM test) TO '$dir/test.csv' WITH (FORMAT csv);" >/dev/null
  read -r sk_read sk_fit sk_auc sk_version < <($PY - "$dir" <<'PY'
import sys, time
import numpy as np, pandas as pd, sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
d = sys.argv[1]
t0 = time.time()
tr = pd.read_csv(d + "/train.csv", header=None).to_numpy()
t1 = time.time()
# Median-imputed (the mixed shape has NULLs) and standardised before the timed fit.
prep = make_pipeline(SimpleImputer(strategy="median"), StandardScaler()).fit(tr[:, :20])
x = prep.transform(tr[:, :20])
t1 = time.time()
m = LogisticRegression(max_iter=1000).fit(x, tr[:, 20])
t2 = time.time()
te = pd.read_csv(d + "/test.csv", header=None).to_numpy()
auc = roc_auc_score(te[:, 20], m.predict_proba(prep.transform(te[:, :20]))[:, 1])
print("%.1f %.1f %.4f %s" % ((t1 - t0) * 1000, (t2 - t1) * 1000, auc, sklearn.__version__))
PY
)
  sk_pull=$(awk "BEGIN{printf \"%.1f\", $copy_ms + $sk_read + $sk_fit}")
  printf '%-60s %12.1f ms\n' "scikit-learn read_csv (pandas) + median imputation + scaling" "$sk_read"
  printf '%-60s %12.1f ms\n' "scikit-learn LogisticRegression fit alone (lbfgs)" "$sk_fit"
fi

echo "== information value of 20 features"
IVQ="SELECT loan_risk.binning('train', 'bad', '$FARR')"
lr_bench_time "binning of 20 features (one pass), serial" "SET client_min_messages = warning; SET max_parallel_workers_per_gather = 0; $IVQ" 2; iv_s=$LR_BENCH_MS
lr_bench_time "binning of 20 features (one pass), 2 workers" "SET client_min_messages = warning; SET max_parallel_workers_per_gather = 2; $IVQ" 2; iv_p=$LR_BENCH_MS
nt=NA; nt4=NA
if [ "$NTILE" = 1 ]; then
  q=""
  for i in $(seq -w 1 20); do
    q+="WITH b AS (SELECT ntile(10) OVER (ORDER BY f$i) AS bin, bad FROM train),
c AS (SELECT bin, count(*) FILTER (WHERE bad = 0)::float8 AS g, count(*) FILTER (WHERE bad = 1)::float8 AS b FROM b GROUP BY bin),
s AS (SELECT CASE WHEN g = 0 OR b = 0 THEN g + 0.5 ELSE g END AS g, CASE WHEN g = 0 OR b = 0 THEN b + 0.5 ELSE b END AS b FROM c),
t AS (SELECT sum(g) AS tg, sum(b) AS tb FROM s)
SELECT 'f$i', sum((g / tg - b / tb) * ln((g / tg) / (b / tb))) FROM s, t;
"
  done
  lr_bench_time "ntile(10) + GROUP BY, 20 queries (plain SQL), 2 workers" "SET max_parallel_workers_per_gather = 2; $q" 1; nt=$LR_BENCH_MS
  # The same at the server's default work_mem (4MB): the sorts spill to disk.
  lr_bench_time "ntile(10) + GROUP BY, 20 queries, work_mem 4MB (default)" "SET work_mem = '4MB'; SET max_parallel_workers_per_gather = 2; $q" 1; nt4=$LR_BENCH_MS
fi

r() { awk "BEGIN{ if (\"$1\" == \"NA\" || \"$2\" == \"NA\") print \"n/a\"; else printf \"%.1fx\", ($2) / ($1) }"; }
echo
echo "== summary ($ROWS rows, $SHAPE shape, 20 float8 features, $(( ROWS * 4 / 5 )) trained on; scikit-learn $sk_version; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-60s %s\n' "bare scan of 20 columns, serial / 2 workers (ms)" "$scan_s / $scan_p"
printf '%-60s %s\n' "train_scorecard serial / 2 workers + 2 threads (ms)" "$train_s / $train_p"
printf '%-60s %s\n' "train_scorecard, every pass a query, 2 workers (ms)" "$train_q"
printf '%-60s %s\n' "scikit-learn fit alone / COPY + read + fit (ms)" "$sk_fit / $sk_pull"
printf '%-60s %s\n' "scikit-learn fit alone / train_scorecard 2 workers" "$(r "$train_p" "$sk_fit")"
printf '%-60s %s\n' "scikit-learn COPY + read + fit / train_scorecard 2 workers" "$(r "$train_p" "$sk_pull")"
printf '%-60s %s\n' "test AUC: scorecard / scikit-learn (train AUC scorecard)" "$our_auc / $sk_auc ($our_train_auc)"
printf '%-60s %s\n' "binning 20 features serial / 2 workers (ms)" "$iv_s / $iv_p"
printf '%-60s %s\n' "ntile + GROUP BY, 20 queries, work_mem 256MB (ms)" "$nt"
printf '%-60s %s\n' "ntile way / binning 2 workers" "$(r "$iv_p" "$nt")"
printf '%-60s %s\n' "ntile + GROUP BY at work_mem 4MB (ms)" "$nt4"
printf '%-60s %s\n' "ntile way at work_mem 4MB / binning 2 workers" "$(r "$iv_p" "$nt4")"
