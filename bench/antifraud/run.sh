#!/usr/bin/env bash
# bench/antifraud: isolation forest training and scoring against the floor
# scan (and scikit-learn on the exported rows), robust_stats against
# percentile_cont, and list screening joins on normalised keys.
#
#   LR_AF_ROWS        applications scored and trained on     (default 10000000)
#   LR_AF_BLACKLIST   blacklist entries for screening          (default 50000000)
#   LR_AF_APPLICANTS  applicants screened against the list     (default 10000000)
#   LR_AF_SKLEARN     0 to skip the scikit-learn peer          (default 1)
#
# A small run (1/100 of the issue's sizes):
#   LR_AF_ROWS=100000 LR_AF_BLACKLIST=500000 LR_AF_APPLICANTS=100000 bash bench/antifraud/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh

ROWS=${LR_AF_ROWS:-10000000}
BLACK=${LR_AF_BLACKLIST:-50000000}
APPL=${LR_AF_APPLICANTS:-10000000}
SKLEARN=${LR_AF_SKLEARN:-1}
FEATURES="ARRAY['amount', 'income', 'account_age_days', 'apps_1d', 'apps_7d', 'devices_30d']"
VALUES="ARRAY[amount, income, account_age_days, apps_1d, apps_7d, devices_30d]::float8[]"
PY=/usr/bin/python3

lr_bench_setup antifraud
trap lr_bench_teardown EXIT
sql() { printf '%s\n' "$1" | lr_psql "$LR_BENCH_NAME" -d bench >/dev/null; }

echo "== data: $ROWS applications, $BLACK blacklist entries, $APPL applicants"
sql "CREATE TABLE af_apps AS
WITH u AS (
  SELECT i, (hashint8(4 * i) & 65535) / 65536.0 AS u1, (hashint8(4 * i + 1) & 65535) / 65536.0 AS u2,
         (hashint8(4 * i + 2) & 65535) / 65536.0 AS u3, (hashint8(4 * i + 3) & 65535) / 65536.0 AS u4
  FROM generate_series(1::bigint, $ROWS) i)
SELECT i AS id, (i % 97)::int AS segment,
       round((2000 + 1500 * (u1 + u2 - 1) + CASE WHEN i % 1000 = 0 THEN 6000 ELSE 0 END)::numeric, 2) AS amount,
       (500 + 300 * (u2 + u4 - 1))::float8 AS income,
       (200 + floor(1500 * u3 * u2))::int AS account_age_days,
       floor(3 * u4 * u4)::int AS apps_1d,
       floor(6 * u4 * u1)::int AS apps_7d,
       1 + floor(2 * u3 * u3)::int AS devices_30d,
       '+86 1' || (3 + i % 7)::text || lpad((hashint8(i) & 1073741823)::text, 9, '0') AS phone
FROM u;
ALTER TABLE af_apps SET (parallel_workers = 2);
VACUUM ANALYZE af_apps;
CREATE TABLE af_models (name text PRIMARY KEY, model loan_risk.iforest);"

SER="SET max_parallel_workers_per_gather = 0;"
PAR="SET max_parallel_workers_per_gather = 2;"

echo "== anomaly scoring and training ($ROWS rows, 6 features, 100 trees of 256 rows)"
lr_bench_time "floor scan: sum of the 6 features, serial" \
  "$SER SELECT sum(amount + income + account_age_days + apps_1d + apps_7d + devices_30d) FROM af_apps;"
floor_s=$LR_BENCH_MS
lr_bench_time "floor scan: sum of the 6 features, 2 workers" \
  "$PAR SELECT sum(amount + income + account_age_days + apps_1d + apps_7d + devices_30d) FROM af_apps;"
floor_p=$LR_BENCH_MS
lr_bench_time "iforest_train, serial" \
  "$SER SELECT length(loan_risk.iforest_train(id, $VALUES, $FEATURES, '{\"seed\": 1}')::text) FROM af_apps a;" 1
train_s=$LR_BENCH_MS
lr_bench_time "iforest_train, 2 workers" \
  "$PAR SELECT length(loan_risk.iforest_train(id, $VALUES, $FEATURES, '{\"seed\": 1}')::text) FROM af_apps a;" 1
train_p=$LR_BENCH_MS
sql "INSERT INTO af_models SELECT 'm', loan_risk.iforest_train(id, $VALUES, $FEATURES, '{\"seed\": 1}') FROM af_apps a;"
lr_bench_time "anomaly_score of every row, serial" \
  "$SER SELECT sum(loan_risk.anomaly_score((SELECT model FROM af_models WHERE name = 'm'), a)) FROM af_apps a;" 1
score_s=$LR_BENCH_MS
lr_bench_time "anomaly_score of every row, 2 workers" \
  "$PAR SELECT sum(loan_risk.anomaly_score((SELECT model FROM af_models WHERE name = 'm'), a)) FROM af_apps a;" 1
score_p=$LR_BENCH_MS

sk_line="scikit-learn peer skipped"
if [ "$SKLEARN" = 1 ] && $PY -c 'import sklearn, pandas' 2>/dev/null; then
  csv=$LR_WORK/af_apps.csv
  lr_bench_time "COPY the 6 features out to CSV (for scikit-learn)" \
    "COPY (SELECT amount, income, account_age_days, apps_1d, apps_7d, devices_30d FROM af_apps) TO '$csv' WITH (FORMAT csv);" 1
  copy_ms=$LR_BENCH_MS
  sk_line=$($PY - "$csv" <<'EOF'
import sys, time
import numpy as np, pandas as pd, sklearn
from sklearn.ensemble import IsolationForest
t0 = time.time(); X = pd.read_csv(sys.argv[1], header=None).values; t1 = time.time()
m = IsolationForest(n_estimators=100, max_samples=256, random_state=1).fit(X); t2 = time.time()
s = m.score_samples(X); t3 = time.time()
print("%.1f %.1f %.1f %s" % ((t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000, sklearn.__version__))
EOF
)
  read -r sk_load sk_fit sk_score sk_version <<<"$sk_line"
  printf '%-60s %12.1f ms\n' "scikit-learn $sk_version: read the CSV (pandas)" "$sk_load"
  printf '%-60s %12.1f ms\n' "scikit-learn: IsolationForest.fit" "$sk_fit"
  printf '%-60s %12.1f ms\n' "scikit-learn: score_samples of every row" "$sk_score"
fi

echo "== peer-group robust statistics (97 segments)"
lr_bench_time "robust_stats(amount) GROUP BY segment, serial" \
  "$SER SELECT count(*) FROM (SELECT segment, loan_risk.robust_stats(amount::float8) FROM af_apps GROUP BY segment) s;" 1
robust_s=$LR_BENCH_MS
lr_bench_time "robust_stats(amount) GROUP BY segment, 2 workers" \
  "$PAR SELECT count(*) FROM (SELECT segment, loan_risk.robust_stats(amount::float8) FROM af_apps GROUP BY segment) s;" 1
robust_p=$LR_BENCH_MS
lr_bench_time "plain SQL: percentile_cont median, then MAD (2 passes)" \
  "$PAR WITH m AS (SELECT segment, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount::float8) AS med FROM af_apps GROUP BY segment)
   SELECT count(*) FROM (SELECT a.segment, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(a.amount::float8 - m.med))
                         FROM af_apps a JOIN m USING (segment) GROUP BY a.segment) s;" 1
robust_sql=$LR_BENCH_MS

echo "== list screening: $APPL applicants against $BLACK blacklisted mobiles"
sql "CREATE TABLE af_black_text AS
       SELECT ('1' || (3 + i % 7)::text || lpad((hashint8(i + 4611686018427387904) & 1073741823)::text, 9, '0')) AS key
       FROM generate_series(1::bigint, $BLACK) i;
     CREATE TABLE af_black_int AS SELECT key::bigint AS key FROM af_black_text;
     INSERT INTO af_black_text SELECT loan_risk.normalize_mobile(phone) FROM af_apps WHERE id % 100 = 0 AND id <= $APPL;
     INSERT INTO af_black_int SELECT loan_risk.normalize_mobile(phone)::bigint FROM af_apps WHERE id % 100 = 0 AND id <= $APPL;
     CREATE INDEX ON af_black_text (key);
     CREATE INDEX ON af_black_int (key);
     CREATE TABLE af_applicants AS SELECT id, phone, loan_risk.normalize_mobile(phone)::bigint AS phone_key
       FROM af_apps WHERE id <= $APPL;
     CREATE INDEX ON af_applicants (phone_key);
     ALTER TABLE af_applicants SET (parallel_workers = 2);
     ALTER TABLE af_black_text SET (parallel_workers = 2);
     ALTER TABLE af_black_int SET (parallel_workers = 2);
     VACUUM ANALYZE af_black_text; VACUUM ANALYZE af_black_int; VACUUM ANALYZE af_applicants;"
lr_bench_time "normalize_mobile of every applicant" \
  "$SER SELECT count(loan_risk.normalize_mobile(phone)) FROM af_applicants;"
norm_c=$LR_BENCH_MS
lr_bench_time "plain SQL: regexp_replace of every applicant" \
  "$SER SELECT count(regexp_replace(phone, '^(\\+86|0086)|[^0-9]', '', 'g')) FROM af_applicants;"
norm_sql=$LR_BENCH_MS
lr_bench_time "EXISTS on text keys, normalised in the query, 2 workers" \
  "$PAR SELECT count(*) FROM af_applicants a WHERE EXISTS (SELECT 1 FROM af_black_text b WHERE b.key = loan_risk.normalize_mobile(a.phone));" 1
scr_text=$LR_BENCH_MS
lr_bench_time "EXISTS on bigint keys, normalised in the query, 2 workers" \
  "$PAR SELECT count(*) FROM af_applicants a WHERE EXISTS (SELECT 1 FROM af_black_int b WHERE b.key = loan_risk.normalize_mobile(a.phone)::bigint);" 1
scr_int=$LR_BENCH_MS
lr_bench_time "EXISTS on stored bigint keys, 2 workers" \
  "$PAR SELECT count(*) FROM af_applicants a WHERE EXISTS (SELECT 1 FROM af_black_int b WHERE b.key = a.phone_key);" 1
scr_stored=$LR_BENCH_MS
lr_bench_time "JOIN on stored bigint keys (hash of the smaller side), 2 workers" \
  "$PAR SELECT count(*) FROM af_applicants a JOIN af_black_int b ON b.key = a.phone_key;" 1
scr_join=$LR_BENCH_MS
lr_bench_time "JOIN on stored bigint keys, merge join of two index scans" \
  "$PAR SET enable_hashjoin = off; SELECT count(*) FROM af_applicants a JOIN af_black_int b ON b.key = a.phone_key;" 1
scr_merge=$LR_BENCH_MS
lr_bench_time "one applicant against the list (index lookup)" \
  "SELECT count(*) FROM af_black_int WHERE key = loan_risk.normalize_mobile('+86 138 0013 8000')::bigint;"
scr_one=$LR_BENCH_MS
matches=$(lr_psql "$LR_BENCH_NAME" -d bench -At -c "SELECT count(*) FROM af_applicants a WHERE EXISTS (SELECT 1 FROM af_black_int b WHERE b.key = a.phone_key)")

r() { awk "BEGIN{printf \"%.2f\", ($1) / ($2)}"; }
echo
echo "== summary (ratios: ours / peer; below 1 is faster)"
printf '%-56s %s\n' "training, serial / floor scan serial" "$(r "$train_s" "$floor_s")"
printf '%-56s %s\n' "training, 2 workers / floor scan 2 workers" "$(r "$train_p" "$floor_p")"
printf '%-56s %s\n' "scoring, serial / floor scan serial" "$(r "$score_s" "$floor_s")"
printf '%-56s %s\n' "scoring, 2 workers / floor scan 2 workers" "$(r "$score_p" "$floor_p")"
printf '%-56s %s\n' "scoring, per row (us), serial" "$(awk "BEGIN{printf \"%.2f\", $score_s * 1000 / $ROWS}")"
if [ -n "${sk_fit:-}" ]; then
  printf '%-56s %s\n' "training 2 workers / (COPY out + read + fit) scikit-learn" "$(r "$train_p" "$copy_ms + $sk_load + $sk_fit")"
  printf '%-56s %s\n' "scoring 2 workers / scikit-learn score_samples" "$(r "$score_p" "$sk_score")"
fi
printf '%-56s %s\n' "robust_stats 2 workers / percentile_cont (2 passes)" "$(r "$robust_p" "$robust_sql")"
printf '%-56s %s\n' "normalize_mobile / regexp_replace" "$(r "$norm_c" "$norm_sql")"
printf '%-56s %s\n' "screening bigint keys / text keys" "$(r "$scr_int" "$scr_text")"
printf '%-56s %s\n' "screening stored bigint keys / text keys" "$(r "$scr_stored" "$scr_text")"
printf '%-56s %s\n' "screening inner join (stored bigint) / text keys" "$(r "$scr_join" "$scr_text")"
printf '%-56s %s\n' "screening merge join of indexes / text keys" "$(r "$scr_merge" "$scr_text")"
printf '%-56s %s\n' "applicants on the blacklist" "$matches"
