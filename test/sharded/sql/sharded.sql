-- Scale-out over postgres_fdw: what ships to the shards, proved by plan
-- (the Remote SQL each shard receives) and by result (equal to a local copy
-- of the same data).  Set up by test/suites/sharded.sh: three shards, tables
-- hash-partitioned into foreign partitions, server option extensions 'loan_risk'.

-- The Remote SQL lines of a query's plan.
CREATE FUNCTION remote_sql(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    IF l ~ 'Remote SQL:' THEN RETURN NEXT regexp_replace(l, '^\s*Remote SQL:\s*', ''); END IF;
  END LOOP;
END $$;
CREATE FUNCTION plan_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP RETURN NEXT l; END LOOP;
END $$;

SELECT c.relname, c.relkind, s.srvname, s.srvoptions @> ARRAY['extensions=loan_risk', 'async_capable=true'] AS options_ok
FROM pg_class c JOIN pg_foreign_table f ON f.ftrelid = c.oid JOIN pg_foreign_server s ON s.oid = f.ftserver
WHERE c.relname LIKE 'applicants_shard%' ORDER BY 1;
SELECT tableoid::regclass AS partition, count(*) FROM applicants GROUP BY 1 ORDER BY 1;

-- ---------------------------------------------------------------- scoring ships
-- pd() in WHERE runs on the shards: each shard's query carries it (as
-- pd_columns, which keeps the column names).  postgres_fdw in PostgreSQL 15
-- evaluates a plain scan's select list on the coordinator, so score() in the
-- select list runs there, on the rows the shards have already filtered.
SELECT * FROM remote_sql($$
  SELECT id, loan_risk.score((SELECT card FROM scorecards WHERE name = 'smb_demo'), a) AS score
  FROM applicants a WHERE loan_risk.pd((SELECT card FROM scorecards WHERE name = 'smb_demo'), a) > 0.2 $$);
-- Either way the scores equal those of the local copy.
SELECT count(*) AS applicants,
       count(*) FILTER (WHERE s.score = l.score AND s.pd = l.pd) AS identical
FROM (SELECT id, loan_risk.score((SELECT card FROM scorecards WHERE name = 'smb_demo'), a) AS score,
             loan_risk.pd((SELECT card FROM scorecards WHERE name = 'smb_demo'), a) AS pd FROM applicants a) s
JOIN (SELECT id, loan_risk.score((SELECT card FROM scorecards WHERE name = 'smb_demo'), a) AS score,
             loan_risk.pd((SELECT card FROM scorecards WHERE name = 'smb_demo'), a) AS pd FROM applicants_local a) l
USING (id);

-- UPDATE ... SET pd = pd(card, t) runs as a direct update on each shard.
SELECT * FROM plan_lines($$UPDATE applicants a SET pd = loan_risk.pd((SELECT card FROM scorecards WHERE name = 'smb_demo'), a)$$)
WHERE plan_lines ~ 'Foreign Update|Remote SQL';
UPDATE applicants a SET pd = loan_risk.pd((SELECT card FROM scorecards WHERE name = 'smb_demo'), a);
SELECT count(*) FILTER (WHERE a.pd = loan_risk.pd(s.card, l)) AS updated_like_local, count(*) AS rows
FROM applicants a JOIN applicants_local l USING (id), scorecards s WHERE s.name = 'smb_demo';

-- ---------------------------------------------------------------- grouped aggregates ship whole
SET enable_partitionwise_aggregate = on;
-- Grouped by the partition key, each shard computes its groups completely.
SELECT * FROM remote_sql($$SELECT region, loan_risk.auc(pd, bad), loan_risk.ks(pd, bad), loan_risk.gini(pd, bad)
                           FROM outcomes GROUP BY region$$);
SELECT count(*) AS regions,
       count(*) FILTER (WHERE s.auc = l.auc AND s.ks = l.ks AND s.gini = l.gini) AS identical
FROM (SELECT region, loan_risk.auc(pd, bad), loan_risk.ks(pd, bad), loan_risk.gini(pd, bad) FROM outcomes GROUP BY region) s
JOIN (SELECT region, loan_risk.auc(pd, bad), loan_risk.ks(pd, bad), loan_risk.gini(pd, bad) FROM outcomes_local GROUP BY region) l
USING (region);

-- Merchant profiles, grouped by merchant (the partition key).  Each node
-- counts days in its own loan_risk.timezone, so it is set alike on every
-- node (ALTER DATABASE ... SET on the shards; see doc/scale-out.md).
SET loan_risk.timezone = 'Asia/Shanghai';
SELECT * FROM remote_sql($$SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer)
                           FROM transactions GROUP BY merchant_id$$);
SELECT count(*) AS merchants, count(*) FILTER (WHERE s.p = l.p) AS identical_profiles
FROM (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) p FROM transactions GROUP BY 1) s
JOIN (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) p FROM transactions_local GROUP BY 1) l
USING (merchant_id);
RESET loan_risk.timezone;
-- With the zone as an argument it travels in each shard's query, whatever
-- the shards' own setting (Asia/Shanghai): days counted in Asia/Kolkata.
SELECT * FROM remote_sql($$SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer, NULL, 'Asia/Kolkata')
                           FROM transactions GROUP BY merchant_id$$);
SET loan_risk.timezone = 'Asia/Kolkata';
SELECT count(*) AS merchants, count(*) FILTER (WHERE to_jsonb(s.p) = to_jsonb(l.p)) AS identical_profiles,
       min((s.p).time_zone) AS time_zone
FROM (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer, NULL, 'Asia/Kolkata') p FROM transactions GROUP BY 1) s
JOIN (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) p FROM transactions_local GROUP BY 1) l
USING (merchant_id);
RESET loan_risk.timezone;

-- ---------------------------------------------------------------- global aggregates: _partial and _merge
-- A global figure: each shard returns its partial state (text form), the
-- coordinator validates and merges them.  The three run concurrently (Async
-- Foreign Scan).
SELECT * FROM plan_lines($$
  SELECT loan_risk.auc_merge(s) FROM (
    SELECT loan_risk.auc_partial(pd, bad) s FROM outcomes_shard1 UNION ALL
    SELECT loan_risk.auc_partial(pd, bad) FROM outcomes_shard2 UNION ALL
    SELECT loan_risk.auc_partial(pd, bad) FROM outcomes_shard3) p $$)
WHERE plan_lines ~ 'Async|Remote SQL';
WITH parts AS (
  SELECT loan_risk.auc_partial(pd, bad) a, loan_risk.ks_partial(pd, bad) k, loan_risk.brier_partial(pd, bad = 1) b,
         loan_risk.gains_table_partial(pd, bad, 10) g
  FROM outcomes_shard1
  UNION ALL
  SELECT loan_risk.auc_partial(pd, bad), loan_risk.ks_partial(pd, bad), loan_risk.brier_partial(pd, bad = 1),
         loan_risk.gains_table_partial(pd, bad, 10)
  FROM outcomes_shard2
  UNION ALL
  SELECT loan_risk.auc_partial(pd, bad), loan_risk.ks_partial(pd, bad), loan_risk.brier_partial(pd, bad = 1),
         loan_risk.gains_table_partial(pd, bad, 10)
  FROM outcomes_shard3),
merged AS (
  SELECT loan_risk.auc_merge(a) auc, loan_risk.ks_merge(k) ks, loan_risk.brier_merge(b) brier,
         loan_risk.gains_table_merge(g) gains FROM parts),
single AS (
  SELECT loan_risk.auc(pd, bad) auc, loan_risk.ks(pd, bad) ks, loan_risk.brier(pd, bad = 1) brier,
         loan_risk.gains_table(pd, bad, 10) gains FROM outcomes_local)
SELECT m.auc = s.auc AS auc_equal, m.ks = s.ks AS ks_equal, abs(m.brier - s.brier) < 1e-12 AS brier_equal,
       m.gains = s.gains AS gains_table_equal, round(m.auc::numeric, 6) AS auc
FROM merged m, single s;

-- Written plainly over the partitioned table, a global aggregate is
-- correct, but each shard sends its rows and the coordinator aggregates
-- them (postgres_fdw in PostgreSQL 15 ships no partial aggregate).
SELECT * FROM remote_sql($$SELECT loan_risk.auc(pd, bad) FROM outcomes$$);
SELECT loan_risk.auc(pd, bad) = (SELECT loan_risk.auc(pd, bad) FROM outcomes_local) AS plain_auc_equal FROM outcomes;

-- ---------------------------------------------------------------- read on the coordinator
-- A function that takes a query runs it on the coordinator: the shards
-- send the rows it reads.  Rings of merchants sharing payers over the
-- sharded transactions equal those of the local copy.
SELECT * FROM remote_sql($$SELECT merchant_id::bigint, payer FROM transactions$$);
SELECT (SELECT md5(string_agg(format('%s %s %s', entity, component, component_size), ',' ORDER BY entity))
        FROM loan_risk.shared_attribute_components('SELECT merchant_id::bigint, payer FROM transactions', 50))
     = (SELECT md5(string_agg(format('%s %s %s', entity, component, component_size), ',' ORDER BY entity))
        FROM loan_risk.shared_attribute_components('SELECT merchant_id::bigint, payer FROM transactions_local', 50)) AS rings_identical;

-- ---------------------------------------------------------------- training over shards
-- On a table with foreign partitions, train_scorecard keeps every pass a
-- query (the shards compute the partial states) rather than coding the
-- design on the coordinator; the card equals the one of the local copy,
-- which is fitted over the design in memory.
SET client_min_messages = warning;
WITH c AS (
  SELECT loan_risk.train_scorecard('applicants', 'bad', '{region,industry,months_active,gmv_90d,refund_share}')::jsonb AS sharded,
         loan_risk.train_scorecard('applicants_local', 'bad', '{region,industry,months_active,gmv_90d,refund_share}')::jsonb AS local)
SELECT c.sharded->'training'->'design_in_memory' AS sharded_in_memory,
       c.local->'training'->'design_in_memory' AS local_in_memory,
       c.sharded->'training'->>'fingerprint' = c.local->'training'->>'fingerprint' AS same_fingerprint,
       bool_and(abs((c.sharded->'statistics'->'coefficients'->k->>'estimate')::float8 - (v->>'estimate')::float8) < 1e-9) AS coefficients_equal,
       abs((c.sharded->'statistics'->>'auc')::float8 - (c.local->'statistics'->>'auc')::float8) < 1e-12 AS auc_equal
FROM c, jsonb_each(c.local->'statistics'->'coefficients') e(k, v)
GROUP BY c.sharded, c.local;
-- A pass as train_scorecard writes it: its aggregate is not shipped (no
-- partial aggregate in postgres_fdw), so the shards send the features'
-- columns and the coordinator computes the state, streaming.
SELECT * FROM remote_sql($$SELECT loan_risk.prebin_partial(bad, ARRAY[(months_active)::float8, (gmv_90d)::float8]::float8[],
                                                           ARRAY[(region)::text]::text[], '{}'::float8[], 16384, 'cnn')
                           FROM applicants$$);
-- A query over the sharded table (through a view too) is recognised alike.
CREATE VIEW applicants_view AS SELECT * FROM applicants WHERE id > 0;
SELECT (loan_risk.train_scorecard('SELECT * FROM applicants_view', 'bad', '{region,months_active}')::jsonb)->'training'->'design_in_memory'
       AS query_in_memory;
RESET client_min_messages;

-- ---------------------------------------------------------------- matching
-- Products as a value: postgres_fdw does not ship a lateral function call,
-- so the shards send their rows and the coordinator matches them (the same
-- offers as on the local copy).
CREATE TABLE products (product_id text, bank text, product_type text, min_amount numeric, max_amount numeric,
                       min_term int, max_term int, rate numeric, rules jsonb, approval_model loan_risk.scorecard);
INSERT INTO products SELECT 'p1', 'Bank A', 'tax_loan', 1000, 100000, 6, 36, 0.12, '[]'::jsonb, card FROM scorecards
UNION ALL SELECT 'p2', 'Bank B', 'owner_loan', 5000, 50000, 6, 24, 0.10,
  '[{"dimension": "applicant", "reason": "Served regions", "column": "region", "op": "in", "value": ["zhejiang", "jiangsu"]}]', card
FROM scorecards;
SELECT * FROM remote_sql($$SELECT a.id, m.* FROM applicants a,
                           LATERAL loan_risk.match_products(a, (SELECT jsonb_agg(p) FROM products p)) m$$);
SELECT count(*) AS offers, count(*) FILTER (WHERE s IS NOT DISTINCT FROM l) AS identical
FROM (SELECT a.id, m.* FROM applicants a, LATERAL loan_risk.match_products(a, (SELECT jsonb_agg(p) FROM products p)) m) s
JOIN (SELECT a.id, m.* FROM applicants_local a, LATERAL loan_risk.match_products(a, 'products') m) l USING (id, rank);
