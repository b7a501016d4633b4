-- loan_risk.graph_components: connected components of an undirected graph.

-- Objects of this test live in their own schema (tests share a database).
CREATE SCHEMA graph_components_test;
SET search_path = graph_components_test;

-- Worked example: a ring 1-2-3, a pair 10-20 (given twice, once reversed),
-- node 30 with only a self-loop, node 40 listed with a NULL partner (a node
-- without edges); a row of two NULLs is skipped.  The component id is the
-- smallest node id in the component.
SELECT * FROM loan_risk.graph_components($$
  VALUES (3, 1), (1, 2), (2, 3), (20, 10), (10, 20), (30, 30), (40, NULL), (NULL, NULL)
$$) ORDER BY node;

-- Typical use: the size of each ring, largest first.
SELECT component, component_size, array_agg(node ORDER BY node) AS members
FROM loan_risk.graph_components('VALUES (5, 6), (6, 7), (8, 9), (7, 5), (100, 101)')
GROUP BY component, component_size ORDER BY component_size DESC, component;

-- Empty input and NULL query: no rows.
SELECT count(*) FROM loan_risk.graph_components('SELECT 1::bigint, 2::bigint WHERE false');
SELECT count(*) FROM loan_risk.graph_components(NULL);

-- Extreme ids, int2/int4 columns.
SELECT * FROM loan_risk.graph_components($$
  VALUES (9223372036854775807, -9223372036854775808), (0, 9223372036854775807), (-1, -1)$$) ORDER BY node;
SELECT * FROM loan_risk.graph_components('SELECT 7::int2, 3::int4') ORDER BY node;

-- Malformed input: exact errors.
SELECT * FROM loan_risk.graph_components('SELECT 1');
SELECT * FROM loan_risk.graph_components($$SELECT 1, '2'::varchar$$);
SELECT * FROM loan_risk.graph_components('SELECT 1::float8, 2');
SELECT * FROM loan_risk.graph_components('');
SELECT * FROM loan_risk.graph_components('SELECT x, y FROM nothing_here');

-- Against networkx: a random graph with 50 edges over 80 possible nodes.
-- Values recorded with data/graph/networkx_reference.py: networkx 2.8.8
-- (Debian python3-networkx), nx.connected_components: 6 components.
CREATE FUNCTION graph_mix(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (h >> 16) # h FROM (
    SELECT ((((h >> 16) # h) * 73244475) % 4294967296) AS h FROM (
      SELECT ((((x % 4294967296) >> 16) # (x % 4294967296)) * 73244475) % 4294967296 AS h) a) b $$;
CREATE FUNCTION graph_nid(k bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT (k - 30) * 1000003 $$;
CREATE TABLE nx_edges AS
SELECT graph_nid(graph_mix(3 * i) % 80) AS a, graph_nid(graph_mix(3 * i + 1) % 80) AS b FROM generate_series(1, 50) i;
SELECT count(*) AS edges, sum(a + b) AS endpoint_sum FROM nx_edges;
CREATE TABLE nx_components (node bigint, component bigint, component_size bigint);
INSERT INTO nx_components VALUES
  (-30000090, -30000090, 36), (-29000087, -30000090, 36), (-28000084, -30000090, 36),
  (-27000081, -30000090, 36), (-26000078, -30000090, 36), (-25000075, -30000090, 36),
  (-23000069, -23000069, 6), (-22000066, -30000090, 36), (-21000063, -21000063, 2),
  (-20000060, -30000090, 36), (-19000057, -23000069, 6), (-16000048, -30000090, 36),
  (-15000045, -15000045, 2), (-14000042, -14000042, 7), (-13000039, -14000042, 7), (-12000036, -14000042, 7),
  (-9000027, -30000090, 36), (-7000021, -30000090, 36), (-6000018, -30000090, 36), (-4000012, -14000042, 7),
  (-3000009, -30000090, 36), (-2000006, -30000090, 36), (-1000003, -30000090, 36), (4000012, -30000090, 36),
  (5000015, -30000090, 36), (7000021, -30000090, 36), (8000024, -30000090, 36), (9000027, -30000090, 36),
  (10000030, -30000090, 36), (12000036, 12000036, 2), (14000042, -30000090, 36), (16000048, -30000090, 36),
  (17000051, -30000090, 36), (18000054, -15000045, 2), (19000057, -23000069, 6), (21000063, -14000042, 7),
  (23000069, -30000090, 36), (25000075, -21000063, 2), (26000078, -30000090, 36), (27000081, -30000090, 36),
  (28000084, -23000069, 6), (29000087, -30000090, 36), (30000090, -23000069, 6), (31000093, 12000036, 2),
  (32000096, -30000090, 36), (35000105, -30000090, 36), (36000108, -30000090, 36), (37000111, -23000069, 6),
  (38000114, -30000090, 36), (39000117, -30000090, 36), (40000120, -30000090, 36), (41000123, -14000042, 7),
  (45000135, -30000090, 36), (47000141, -14000042, 7), (48000144, -30000090, 36);
SELECT count(*) AS nodes, count(DISTINCT c.component) AS components,
       count(*) FILTER (WHERE (c.component, c.component_size) = (r.component, r.component_size)) AS same_as_networkx
FROM loan_risk.graph_components('SELECT a, b FROM nx_edges') c FULL JOIN nx_components r USING (node);

-- Against label propagation in plain PL/pgSQL (min label over neighbours,
-- then pointer jumping, until nothing changes) on a graph of several blocks:
-- 40000 edges over 60000 ids, islands of 20 ids with a few long links; 2
-- threads give the same rows, and so does the input in another order.
CREATE TABLE big_edges AS
SELECT (hashint8(5 * i) & 2147483647) % 60000 AS a,
       CASE WHEN i % 50 = 0 THEN (hashint8(5 * i + 1) & 2147483647) % 60000
            ELSE ((hashint8(5 * i) & 2147483647) % 60000) / 20 * 20 + (hashint8(5 * i + 1) & 2147483647) % 20 END AS b
FROM generate_series(1, 40000) i;
CREATE TABLE arcs AS SELECT a AS u, b AS v FROM big_edges UNION SELECT b, a FROM big_edges;
CREATE TABLE label AS SELECT DISTINCT n AS node, n AS label FROM big_edges, LATERAL (VALUES (a), (b)) v(n);
CREATE UNIQUE INDEX ON label (node);
DO $$
DECLARE changed bigint; jumped bigint;
BEGIN
  LOOP
    UPDATE label l SET label = m.label
    FROM (SELECT a.u AS node, min(l2.label) AS label FROM arcs a JOIN label l2 ON l2.node = a.v GROUP BY a.u) m
    WHERE m.node = l.node AND m.label < l.label;
    GET DIAGNOSTICS changed = ROW_COUNT;
    UPDATE label l SET label = p.label FROM label p WHERE p.node = l.label AND p.label < l.label;
    GET DIAGNOSTICS jumped = ROW_COUNT;
    EXIT WHEN changed + jumped = 0;
  END LOOP;
END $$;
CREATE TABLE big_1 AS SELECT * FROM loan_risk.graph_components('SELECT a, b FROM big_edges');
SELECT count(*) AS nodes, count(DISTINCT c.component) AS components, max(c.component_size) AS largest,
       count(*) FILTER (WHERE c.component = l.label) AS same_as_sql,
       count(*) FILTER (WHERE c.component_size = s.size) AS same_size
FROM big_1 c FULL JOIN label l USING (node)
LEFT JOIN (SELECT label, count(*) AS size FROM label GROUP BY label) s ON s.label = l.label;
SET loan_risk.max_threads = 2;
SELECT count(*) AS rows_differing_between_1_and_2_threads
FROM big_1 FULL JOIN loan_risk.graph_components('SELECT b, a FROM big_edges ORDER BY a DESC') r USING (node)
WHERE (big_1.component, big_1.component_size) IS DISTINCT FROM (r.component, r.component_size);
RESET loan_risk.max_threads;

-- Memory: over loan_risk.max_kernel_memory is an error before allocation.
SET loan_risk.max_kernel_memory = '1MB';
SELECT count(*) FROM loan_risk.graph_components('SELECT a, b FROM big_edges, generate_series(1, 4)');
RESET loan_risk.max_kernel_memory;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA graph_components_test CASCADE;
RESET client_min_messages;
