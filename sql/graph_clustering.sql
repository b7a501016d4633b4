-- loan_risk.graph_clustering: degree, triangles, local clustering coefficient
-- and merchant-likeness score per node of an undirected graph.

-- Objects of this test live in their own schema (tests share a database).
CREATE SCHEMA graph_clustering_test;
SET search_path = graph_clustering_test;

-- Worked example: persons 1-4 know each other (all pairs but 1-4); merchant
-- 100 is paid by 1, 5, 6 and 7, who do not know each other.  By hand, with
-- W = d(d-1)/2 pairs of neighbours (wedges), T triangles, clustering T/W and
-- score (W - T + 1/2) / (W + 1):
--   node 1: neighbours {2,3,100}, W = 3, triangle 1-2-3: clustering 1/3, score 2.5/4
--   node 2: {1,3,4}, W = 3, triangles 1-2-3 and 2-3-4: 2/3, score 1.5/4
--   node 3: as node 2;  node 4: {2,3}, W = 1, triangle 2-3-4: 1, score 0.5/2
--   node 100: {1,5,6,7}, W = 6, no triangle: clustering 0, score 6.5/7
--   nodes 5, 6, 7: one neighbour, W = 0: clustering 0, score 1/2
CREATE TABLE pay (payer bigint, payee bigint);
INSERT INTO pay VALUES (1, 2), (1, 3), (2, 3), (2, 4), (3, 4), (1, 100), (5, 100), (6, 100), (7, 100);
SELECT node, degree, triangles, round(clustering::numeric, 12) AS clustering,
       round(merchant_score::numeric, 12) AS merchant_score
FROM loan_risk.graph_clustering('SELECT payer, payee FROM pay') ORDER BY node;
SELECT node, abs(clustering - CASE node WHEN 1 THEN 1 / 3.0 ELSE 0 END) < 1e-15 AS clustering_ok,
       abs(merchant_score - CASE node WHEN 1 THEN 2.5 / 4 ELSE 6.5 / 7 END) < 1e-15 AS score_ok
FROM loan_risk.graph_clustering('SELECT payer, payee FROM pay') WHERE node IN (1, 100) ORDER BY node;

-- Self-loops are ignored, repeated and reversed edges count once, a row with
-- one NULL endpoint adds the other as a node without edges (how to list
-- isolated nodes), a row with both NULL is skipped.
SELECT * FROM loan_risk.graph_clustering($$
  VALUES (1, 2), (2, 1), (1, 2), (2, 3), (3, 1), (3, 3), (4, 4), (5, NULL), (NULL, 6), (NULL, NULL)
$$) ORDER BY node;

-- Empty input: no rows.  NULL query (the function is strict): no rows.
SELECT count(*) FROM loan_risk.graph_clustering('SELECT payer, payee FROM pay WHERE false');
SELECT count(*) FROM loan_risk.graph_clustering(NULL);

-- Any integer type, domains too; extreme bigint ids keep their order.
CREATE DOMAIN account_id AS bigint;
SELECT * FROM loan_risk.graph_clustering($$
  SELECT a::account_id, b FROM (VALUES (-9223372036854775808, 1), (9223372036854775807, 1),
                                       (-9223372036854775808, 2), (9223372036854775807, 2),
                                       (-9223372036854775808, 9223372036854775807)) v(a, b)
$$) ORDER BY node;
SELECT node, degree, triangles FROM loan_risk.graph_clustering($$
  SELECT a::int4, b::int2 FROM (VALUES (1, 2), (2, 3), (3, 1)) v(a, b)$$) ORDER BY node;

-- A complete graph on 200 nodes: every node has 199 neighbours, 199*198/2 = 19701
-- triangles and clustering 1; a star with 50000 leaves: no triangle anywhere.
SELECT count(*), min(degree), max(degree), min(triangles), max(triangles), min(clustering), max(clustering)
FROM loan_risk.graph_clustering('SELECT a, b FROM generate_series(1, 200) a, generate_series(1, 200) b WHERE a < b');
SELECT count(*) AS nodes, max(degree) AS hub_degree, sum(triangles) AS triangles,
       min(merchant_score) AS leaf_score,
       abs(max(merchant_score) - (1249975000 + 0.5) / 1249975001) < 1e-15 AS hub_score_ok
FROM loan_risk.graph_clustering('SELECT 0, g FROM generate_series(1, 50000) g');

-- Malformed input: exact errors.
SELECT * FROM loan_risk.graph_clustering('SELECT 1');
SELECT * FROM loan_risk.graph_clustering('SELECT 1, 2, 3');
SELECT * FROM loan_risk.graph_clustering($$SELECT 'a'::text, 'b'::text$$);
SELECT * FROM loan_risk.graph_clustering('SELECT 1, 2.5');
SELECT * FROM loan_risk.graph_clustering('');
SELECT * FROM loan_risk.graph_clustering('SELEC 1, 2');
SELECT * FROM loan_risk.graph_clustering('SELECT * FROM no_such_table');
SELECT * FROM loan_risk.graph_clustering('DELETE FROM pay RETURNING payer, payee');
SELECT count(*) AS still_there FROM pay;

-- Against networkx: a random graph with 260 edges (6 self-loops, repeats)
-- over 60 nodes with negative and positive ids.  Values recorded with
-- data/graph/networkx_reference.py: networkx 2.8.8 (Debian python3-networkx),
-- nx.Graph(edges), nx.triangles, nx.clustering; degree without self-loops.
CREATE FUNCTION graph_mix(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (h >> 16) # h FROM (
    SELECT ((((h >> 16) # h) * 73244475) % 4294967296) AS h FROM (
      SELECT ((((x % 4294967296) >> 16) # (x % 4294967296)) * 73244475) % 4294967296 AS h) a) b $$;
CREATE FUNCTION graph_nid(k bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT (k - 30) * 1000003 $$;
CREATE TABLE nx_edges AS
SELECT graph_nid(graph_mix(2 * i) % 60) AS a, graph_nid(graph_mix(2 * i + 1) % 60) AS b FROM generate_series(1, 260) i;
SELECT count(*) AS edges, sum(a + b) AS endpoint_sum, count(*) FILTER (WHERE a = b) AS loops FROM nx_edges;
CREATE TABLE nx_clustering (node bigint, degree bigint, triangles bigint, clustering float8);
INSERT INTO nx_clustering VALUES
  (-30000090, 15, 15, 0.14285714285714285), (-29000087, 7, 3, 0.14285714285714285),
  (-28000084, 6, 1, 0.06666666666666667), (-27000081, 15, 15, 0.14285714285714285),
  (-26000078, 10, 2, 0.044444444444444446), (-25000075, 5, 3, 0.3), (-24000072, 11, 8, 0.14545454545454545),
  (-23000069, 8, 6, 0.21428571428571427), (-22000066, 9, 3, 0.08333333333333333),
  (-21000063, 10, 6, 0.13333333333333333), (-20000060, 5, 1, 0.1), (-19000057, 8, 5, 0.17857142857142858),
  (-18000054, 4, 1, 0.16666666666666666), (-17000051, 8, 4, 0.14285714285714285),
  (-16000048, 9, 2, 0.05555555555555555), (-15000045, 9, 5, 0.1388888888888889),
  (-14000042, 6, 1, 0.06666666666666667), (-13000039, 11, 5, 0.09090909090909091), (-12000036, 3, 0, 0.0),
  (-11000033, 9, 3, 0.08333333333333333), (-10000030, 8, 3, 0.10714285714285714), (-9000027, 10, 9, 0.2),
  (-8000024, 7, 2, 0.09523809523809523), (-7000021, 8, 1, 0.03571428571428571),
  (-6000018, 6, 1, 0.06666666666666667), (-5000015, 9, 7, 0.19444444444444445), (-4000012, 9, 9, 0.25),
  (-3000009, 13, 11, 0.14102564102564102), (-2000006, 8, 5, 0.17857142857142858), (-1000003, 3, 0, 0.0),
  (0, 7, 2, 0.09523809523809523), (1000003, 7, 3, 0.14285714285714285), (2000006, 8, 2, 0.07142857142857142),
  (3000009, 4, 1, 0.16666666666666666), (4000012, 5, 1, 0.1), (5000015, 11, 9, 0.16363636363636364),
  (6000018, 5, 1, 0.1), (7000021, 6, 2, 0.13333333333333333), (8000024, 9, 5, 0.1388888888888889),
  (9000027, 7, 3, 0.14285714285714285), (10000030, 13, 15, 0.19230769230769232),
  (11000033, 13, 16, 0.20512820512820512), (12000036, 8, 4, 0.14285714285714285),
  (13000039, 8, 4, 0.14285714285714285), (14000042, 6, 5, 0.3333333333333333), (15000045, 10, 9, 0.2),
  (16000048, 7, 6, 0.2857142857142857), (17000051, 5, 1, 0.1), (18000054, 8, 1, 0.03571428571428571),
  (19000057, 7, 3, 0.14285714285714285), (20000060, 12, 10, 0.15151515151515152),
  (21000063, 9, 8, 0.2222222222222222), (22000066, 8, 3, 0.10714285714285714),
  (23000069, 9, 5, 0.1388888888888889), (24000072, 7, 4, 0.19047619047619047),
  (25000075, 10, 7, 0.15555555555555556), (26000078, 7, 5, 0.23809523809523808),
  (27000081, 7, 3, 0.14285714285714285), (28000084, 8, 0, 0.0), (29000087, 6, 1, 0.06666666666666667);
SELECT count(*) AS nodes,
       count(*) FILTER (WHERE c.degree = r.degree) AS same_degree,
       count(*) FILTER (WHERE c.triangles = r.triangles) AS same_triangles,
       count(*) FILTER (WHERE c.clustering = r.clustering) AS same_clustering_exactly
FROM loan_risk.graph_clustering('SELECT a, b FROM nx_edges') c FULL JOIN nx_clustering r USING (node);

-- Against plain SQL on a graph of several blocks (5000 nodes, 60000 edges):
-- degree = distinct neighbours other than itself, triangles by a three-way
-- join, clustering 2t/(d(d-1)); and 2 threads give bit-identical results.
CREATE TABLE big_edges AS
SELECT (hashint8(3 * i) & 2147483647) % 5000 AS a,
       CASE WHEN i % 3 = 0 THEN (hashint8(3 * i + 1) & 2147483647) % 5000
            ELSE ((hashint8(3 * i) & 2147483647) % 5000 + 1 + (hashint8(3 * i + 1) & 2147483647) % 25) % 5000 END AS b
FROM generate_series(1, 60000) i;
CREATE TABLE big_arcs AS
SELECT DISTINCT a AS u, b AS v FROM big_edges WHERE a <> b
UNION SELECT b, a FROM big_edges WHERE a <> b;
CREATE INDEX ON big_arcs (u, v);
ANALYZE big_arcs;
CREATE TABLE big_ref AS
WITH deg AS (SELECT u AS node, count(*) AS degree FROM big_arcs GROUP BY u),
tri AS (SELECT x.u AS node, count(*) / 2 AS triangles
        FROM big_arcs x JOIN big_arcs y ON y.u = x.v JOIN big_arcs z ON z.u = x.u AND z.v = y.v
        WHERE y.v <> x.u GROUP BY x.u)
SELECT node, degree, coalesce(triangles, 0) AS triangles FROM deg LEFT JOIN tri USING (node);
CREATE TABLE big_1 AS SELECT * FROM loan_risk.graph_clustering('SELECT a, b FROM big_edges');
SELECT count(*) AS nodes, sum(r.triangles) AS triangles,
       count(*) FILTER (WHERE c.degree = r.degree AND c.triangles = r.triangles) AS match_sql,
       count(*) FILTER (WHERE c.clustering = CASE WHEN r.degree < 2 THEN 0
                             ELSE (2 * r.triangles)::float8 / (r.degree * (r.degree - 1)) END) AS match_clustering
FROM big_1 c FULL JOIN big_ref r USING (node);
SET loan_risk.max_threads = 2;
CREATE TABLE big_2 AS SELECT * FROM loan_risk.graph_clustering('SELECT a, b FROM big_edges');
RESET loan_risk.max_threads;
SELECT count(*) AS rows_differing_between_1_and_2_threads
FROM big_1 FULL JOIN big_2 USING (node)
WHERE (big_1.degree, big_1.triangles, big_1.clustering, big_1.merchant_score)
      IS DISTINCT FROM (big_2.degree, big_2.triangles, big_2.clustering, big_2.merchant_score);
-- The input order does not matter either.
SELECT count(*) AS rows_differing_reversed_input
FROM big_1 FULL JOIN loan_risk.graph_clustering('SELECT b, a FROM big_edges ORDER BY b DESC, a') r USING (node)
WHERE (big_1.degree, big_1.triangles, big_1.clustering) IS DISTINCT FROM (r.degree, r.triangles, r.clustering);

-- Memory: a graph over loan_risk.max_kernel_memory is an error before allocation.
-- Here the edge list (240000 edges) fits, the adjacency built from it would not.
SET loan_risk.max_kernel_memory = '3500kB';
SELECT count(*) FROM loan_risk.graph_clustering('SELECT a, b FROM big_edges, generate_series(1, 4)');
RESET loan_risk.max_kernel_memory;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA graph_clustering_test CASCADE;
RESET client_min_messages;
