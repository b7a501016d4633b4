-- The merchant-likeness score of loan_risk.graph_clustering on the sample
-- payment graph (data/graph/payment_graph.sql): persons in social circles of
-- 12, merchants paid by unrelated persons, neighbourhood shops whose payers
-- know each other, suppliers.  2000 nodes (1896 persons, 104 merchants),
-- 20000 payments.

-- Objects of this test live in their own schema (tests share a database).
CREATE SCHEMA graph_merchant_auc_test;
SET search_path = graph_merchant_auc_test;

SET client_min_messages = warning;
\i data/graph/payment_graph.sql
RESET client_min_messages;
SELECT count(*) AS payments, count(DISTINCT (payer, payee)) AS pairs FROM payment_edges;
SELECT is_merchant, count(*) FROM payment_nodes GROUP BY 1 ORDER BY 1;

-- Every node, those without payments too (one NULL endpoint adds a node).
CREATE TABLE features AS
SELECT c.*, n.is_merchant
FROM loan_risk.graph_clustering('SELECT payer, payee FROM payment_edges UNION ALL SELECT node, NULL FROM payment_nodes') c
JOIN payment_nodes n USING (node);
SELECT is_merchant, count(*) AS nodes, round(avg(degree), 1) AS avg_degree,
       round(avg(clustering)::numeric, 3) AS avg_clustering, round(avg(merchant_score)::numeric, 3) AS avg_score
FROM features GROUP BY 1 ORDER BY 1;

-- AUC of the score for "is a merchant" (Mann-Whitney: the chance that a
-- merchant scores above a person, ties count half), in plain SQL with
-- average ranks; compared with degree alone and with low clustering alone.
-- Once the metrics area's loan_risk.auc lands, this becomes
-- SELECT loan_risk.auc(merchant_score, is_merchant) FROM features.
CREATE FUNCTION plain_auc(score float8[], positive boolean[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
  WITH s AS (SELECT * FROM unnest(score, positive) u(score, y)),
  r AS (SELECT y, rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS rk FROM s),
  n AS (SELECT count(*) FILTER (WHERE y) AS np, count(*) FILTER (WHERE NOT y) AS nn, sum(rk) FILTER (WHERE y) AS sr FROM r)
  SELECT round((sr - np * (np + 1) / 2.0) / (np * nn), 4) FROM n $$;
SELECT plain_auc(array_agg(merchant_score), array_agg(is_merchant)) AS auc_merchant_score,
       plain_auc(array_agg(degree::float8), array_agg(is_merchant)) AS auc_degree,
       plain_auc(array_agg(1 - clustering), array_agg(is_merchant)) AS auc_low_clustering
FROM features;
-- The same AUC by brute force over all merchant-person pairs.
SELECT round(avg(CASE WHEN m.merchant_score > p.merchant_score THEN 1
                      WHEN m.merchant_score = p.merchant_score THEN 0.5 ELSE 0 END), 4) AS auc_pairs
FROM features m JOIN features p ON m.is_merchant AND NOT p.is_merchant;

-- Why the score smooths: add 300 low-activity persons who each paid one
-- friend.  Their clustering is 0 (a single counterparty has no pair), so
-- "low clustering" calls them merchants; the score keeps them at 1/2.
CREATE TABLE features_leaves AS
SELECT c.*, coalesce(n.is_merchant, false) AS is_merchant
FROM loan_risk.graph_clustering($$
  SELECT payer, payee FROM payment_edges
  UNION ALL SELECT 100000 + g, 1 + (g * 7) % 1896 FROM generate_series(1, 300) g$$) c
LEFT JOIN payment_nodes n USING (node);
SELECT count(*) AS nodes,
       plain_auc(array_agg(merchant_score), array_agg(is_merchant)) AS auc_merchant_score,
       plain_auc(array_agg(1 - clustering), array_agg(is_merchant)) AS auc_low_clustering
FROM features_leaves;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA graph_merchant_auc_test CASCADE;
RESET client_min_messages;
