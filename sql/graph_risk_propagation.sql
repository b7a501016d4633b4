-- loan_risk.risk_propagation: personalised PageRank from seed (blacklisted) nodes.

-- Objects of this test live in their own schema (tests share a database).
CREATE SCHEMA graph_risk_propagation_test;
SET search_path = graph_risk_propagation_test;

-- Worked example, by hand: one edge 1-2, seed 1, damping 0.85.  Risk starts
-- on the seed; each step 85 % of it moves along edges, 15 % returns to the
-- seeds.  After 1 step (0.15, 0.85); after 2, 0.85 * (0.85, 0.15) + (0.15, 0)
-- = (0.8725, 0.1275); in the limit x1 = 1 / (1 + 0.85), x2 = 0.85 / (1 + 0.85).
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', 0.85, 1) ORDER BY node;
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', 0.85, 2) ORDER BY node;
SELECT node, abs(risk - CASE node WHEN 1 THEN 1 / 1.85 ELSE 0.85 / 1.85 END) < 1e-12 AS converged
FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', 0.85, 300) ORDER BY node;

-- A realistic call: accounts linked to two blacklisted accounts (weights =
-- the amounts moved), default damping 0.85 and 30 iterations.  Node 9 is in
-- another component: no risk reaches it, exactly 0.
CREATE TABLE links (a bigint, b bigint, amount numeric);
INSERT INTO links VALUES (1, 2, 500), (2, 3, 20), (3, 4, 20), (4, 1, 5), (5, 6, 100), (6, 2, 100), (8, 9, 10);
CREATE TABLE blacklist (account bigint);
INSERT INTO blacklist VALUES (1), (5);
SELECT node, round(risk::numeric, 6) AS risk
FROM loan_risk.risk_propagation('SELECT a, b, amount FROM links', 'SELECT account FROM blacklist')
ORDER BY risk DESC, node;
SELECT abs(sum(risk) - 1) < 1e-12 AS sums_to_1
FROM loan_risk.risk_propagation('SELECT a, b, amount FROM links', 'SELECT account FROM blacklist');

-- Weights, by hand: node 0 (seed) linked to 1 with weight 3 and to 2 with
-- weight 1; one step: 0.85 * (0, 3/4, 1/4) + 0.15 * (1, 0, 0).
SELECT node, risk, abs(risk - CASE node WHEN 0 THEN 0.15 WHEN 1 THEN 0.6375 ELSE 0.2125 END) < 1e-15 AS ok
FROM loan_risk.risk_propagation('VALUES (0, 1, 3), (2, 0, 1)', 'VALUES (0)', iterations => 1) ORDER BY node;
-- Repeated edges add up (two rows of weight 1 = one of weight 2); a self-loop
-- counts once, like networkx's MultiGraph.
SELECT count(*) AS differing FROM
  loan_risk.risk_propagation('VALUES (0, 1, 1), (1, 0, 1), (0, 2, 1), (2, 2, 1)', 'VALUES (0)') x
  FULL JOIN loan_risk.risk_propagation('VALUES (0, 1, 2), (0, 2, 1), (2, 2, 1)', 'VALUES (0)') y USING (node)
WHERE x.risk IS DISTINCT FROM y.risk;
-- Directed: 1 -> 2 only.  Node 2 has no way out (dangling): its risk goes
-- back to the seeds, as networkx does.  By hand, the limit is again
-- (1 / 1.85, 0.85 / 1.85); after one step (0.15, 0.85).
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', iterations => 1, directed => true) ORDER BY node;
SELECT node, abs(risk - CASE node WHEN 1 THEN 1 / 1.85 ELSE 0.85 / 1.85 END) < 1e-12 AS converged
FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', 0.85, 300, true) ORDER BY node;
-- Against the direction nothing flows: seed 2 keeps everything.
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (2)', directed => true) ORDER BY node;
-- Zero weights: a node whose edges all weigh 0 is dangling.
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2, 0.0)', 'VALUES (1)', iterations => 1) ORDER BY node;

-- Boundaries: 0 iterations or damping 0 give the seed distribution itself;
-- damping 1 never returns to the seeds except through dangling nodes.
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2), (2, 3)', 'VALUES (1, 3), (3, 1)', iterations => 0) ORDER BY node;
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2), (2, 3)', 'VALUES (1, 3), (3, 1)', damping => 0) ORDER BY node;
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2), (2, 3)', 'VALUES (1)', 1, 3) ORDER BY node;

-- Seeds: weights (any number type), repeats add up, NULL ids are skipped,
-- seeds that are not in the graph are ignored with a notice, and with no
-- seed in the graph every risk is 0 (with a notice).
SELECT count(*) AS differing FROM
  loan_risk.risk_propagation('SELECT a, b, amount FROM links', 'VALUES (1, 2.0), (5, 1.0)') x
  FULL JOIN loan_risk.risk_propagation('SELECT a, b, amount FROM links', 'VALUES (1), (1), (5), (NULL), (77)') y USING (node)
WHERE x.risk IS DISTINCT FROM y.risk;
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (3), (4)') ORDER BY node;
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'SELECT 1 WHERE false') ORDER BY node;
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1, 0)') ORDER BY node;
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1::int2, 1::int2)') ORDER BY node;

-- Empty graph, NULL arguments (strict): no rows.
SELECT count(*) FROM loan_risk.risk_propagation('SELECT 1, 2 WHERE false', 'VALUES (1)');
SELECT count(*) FROM loan_risk.risk_propagation(NULL, 'VALUES (1)');
SELECT count(*) FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', NULL);

-- Malformed input: exact errors.
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', 'NaN');
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', -0.1);
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', 1.5);
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', 'Infinity');
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1)', 0.85, -1);
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2, 1, 1)', 'VALUES (1)');
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2, NULL::float8)', 'VALUES (1)');
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2, -3)', 'VALUES (1)');
SELECT * FROM loan_risk.risk_propagation($$VALUES (1, 2, 'Infinity'::float8)$$, 'VALUES (1)');
SELECT * FROM loan_risk.risk_propagation($$VALUES (1, 2, 'NaN'::numeric)$$, 'VALUES (1)');
SELECT * FROM loan_risk.risk_propagation($$VALUES (1, 2, 'heavy')$$, 'VALUES (1)');
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1, 2, 3)');
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', $$VALUES ('1')$$);
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1, NULL::float8)');
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', 'VALUES (1, -1)');
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', $$VALUES (1, '-Infinity'::float8)$$);
SELECT * FROM loan_risk.risk_propagation('VALUES (1, 2)', '');

-- Against networkx: 96 weighted edges over 43 nodes (repeats, self-loops,
-- three nodes that are only targets), seeds with weights 2, 1 and 0.5.
-- Values recorded with data/graph/networkx_reference.py: networkx 2.8.8
-- (Debian python3-networkx), numpy 1.24.2.  "30 iterations" cases are
-- x(k+1) = x(k) G from x(0) = p with G = nx.google_matrix(graph, alpha,
-- personalization=p); "converged" cases are nx.pagerank(graph, alpha,
-- personalization=p, nstart=p, tol=1e-15), against 300 iterations here.
-- Graphs are nx.MultiGraph / nx.MultiDiGraph, so repeated edges add up.
CREATE FUNCTION graph_mix(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (h >> 16) # h FROM (
    SELECT ((((h >> 16) # h) * 73244475) % 4294967296) AS h FROM (
      SELECT ((((x % 4294967296) >> 16) # (x % 4294967296)) * 73244475) % 4294967296 AS h) a) b $$;
CREATE FUNCTION graph_nid(k bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT (k - 30) * 1000003 $$;
CREATE TABLE nx_edges AS
SELECT graph_nid(graph_mix(5 * i) % 40) AS a,
       graph_nid(CASE WHEN i <= 90 THEN graph_mix(5 * i + 1) % 40 ELSE 40 + i % 3 END) AS b,
       1 + graph_mix(5 * i + 2) % 9 AS w
FROM generate_series(1, 96) i;
SELECT count(*) AS edges, sum(a + b) AS endpoint_sum, sum(w) AS weight_sum FROM nx_edges;
CREATE TABLE nx_seeds (node bigint, weight float8);
INSERT INTO nx_seeds VALUES (graph_nid(3), 2), (graph_nid(17), 1), (graph_nid(29), 0.5);
CREATE TABLE nx_pr (name text, node bigint, risk float8);
INSERT INTO nx_pr SELECT 'A', * FROM (VALUES
  (-30000090, 0.036985954591064275), (-29000087, 0.04323068149297163), (-28000084, 0.028071547231852182),
  (-27000081, 0.12679623450237532), (-26000078, 0.03516579748560564), (-25000075, 0.0131550836476089),
  (-24000072, 0.02810727058773095), (-23000069, 0.0359519078230185), (-22000066, 0.01835911822342224),
  (-21000063, 0.003454820488507646), (-20000060, 0.03285554790421405), (-19000057, 0.006995900417398496),
  (-18000054, 0.0056129660309955365), (-17000051, 0.0067778690676721775), (-16000048, 0.008501245454263175),
  (-15000045, 0.026641293123731362), (-14000042, 0.01236241147319551), (-13000039, 0.06763172898112972),
  (-12000036, 0.009991317427955847), (-11000033, 0.017884079480452147), (-10000030, 0.026304045167632725),
  (-9000027, 0.018985187937880697), (-8000024, 0.005636815611098018), (-7000021, 0.032515465428315314),
  (-6000018, 0.019807747029793116), (-5000015, 0.0326094591983169), (-4000012, 0.030036094107350923),
  (-3000009, 0.0056750614371313636), (-2000006, 0.028537985185503878), (-1000003, 0.03975679121327411),
  (0, 0.02474714158587548), (1000003, 0.014124077876032464), (2000006, 0.005067100022842353),
  (3000009, 0.023504377051559392), (4000012, 0.002794699761103533), (5000015, 0.03489985431600295),
  (6000018, 0.009347684538336154), (7000021, 0.0335137161979432), (8000024, 0.019738931385210545),
  (9000027, 0.010423878337225218), (10000030, 0.005937587849329591), (11000033, 0.005232462240602601),
  (12000036, 0.006271061086473798)
) v;
INSERT INTO nx_pr SELECT 'B', * FROM (VALUES
  (-30000090, 0.04201292222101496), (-29000087, 0.05681272047975172), (-28000084, 0.028650648277952367),
  (-27000081, 0.12679906846869501), (-26000078, 0.034122396130903385), (-25000075, 0.014136856043813725),
  (-24000072, 0.028334238012847787), (-23000069, 0.033151385557023426), (-22000066, 0.019155869076322923),
  (-21000063, 0.0045545402204189775), (-20000060, 0.01485803453699232), (-19000057, 0.002388439838450899),
  (-18000054, 0.0019714824577357175), (-17000051, 0.005128587751382286), (-16000048, 0.0126149638454887),
  (-15000045, 0.028777104237449398), (-14000042, 0.01366191188618402), (-13000039, 0.06901183737306349),
  (-12000036, 0.008542676949578679), (-11000033, 0.01400281419823843), (-10000030, 0.023343848746618708),
  (-9000027, 0.016450223029575228), (-8000024, 0.002490883476407353), (-7000021, 0.032149695673546246),
  (-6000018, 0.023193911267480116), (-5000015, 0.030408776353717002), (-4000012, 0.03463560642450263),
  (-3000009, 0.005140169863086239), (-2000006, 0.024429745119055612), (-1000003, 0.04934868405641936),
  (0, 0.021576753545082414), (1000003, 0.009339188868845313), (2000006, 0.005601125679295332),
  (3000009, 0.02293795809973106), (4000012, 0.0020886601510133624), (5000015, 0.038712491293921646),
  (6000018, 0.012172426576180655), (7000021, 0.04358223732384076), (8000024, 0.019081539208822114),
  (9000027, 0.005501751596808286), (10000030, 0.0071797621960330415), (11000033, 0.004964941370715318),
  (12000036, 0.006981122515994016)
) v;
INSERT INTO nx_pr SELECT 'C', * FROM (VALUES
  (-30000090, 0.0015487709443888604), (-29000087, 0.011076946175828434), (-28000084, 0.028848061286615604),
  (-27000081, 0.18989050570020116), (-26000078, 0.0024035765762568705), (-25000075, 0.013854721339473311),
  (-24000072, 0.04148510779029979), (-23000069, 0.022153892351656868), (-22000066, 0.026367539809783555),
  (-21000063, 0.005359039727231466), (-20000060, 0.002296022480186252), (-19000057, 0.0),
  (-18000054, 0.0008242283990326902), (-17000051, 0.0018609269600921156), (-16000048, 0.001557904816137461),
  (-15000045, 0.06672325168895626), (-14000042, 0.003956583975763771), (-13000039, 0.11255038961130834),
  (-12000036, 0.0), (-11000033, 0.015757054998265022), (-10000030, 0.003708345240656171),
  (-9000027, 0.01373714001699785), (-8000024, 0.001708210288302904), (-7000021, 0.02515467642114849),
  (-6000018, 0.00824228401019871), (-5000015, 0.02838290939735643), (-4000012, 0.00487782712361291),
  (-3000009, 0.0013026488665672613), (-2000006, 0.0029910200505183287), (-1000003, 0.05175265746305574),
  (0, 0.033319702433820195), (1000003, 0.0013492834797351086), (2000006, 0.0),
  (3000009, 0.012832937628341553), (4000012, 0.0011537074054295922), (5000015, 0.10304445586224852),
  (6000018, 0.0), (7000021, 0.08802656774479749), (8000024, 0.0515913564729447), (9000027, 0.0),
  (10000030, 0.006153430497494655), (11000033, 0.001835962110410216), (12000036, 0.01032035285488534)
) v;
INSERT INTO nx_pr SELECT 'D', * FROM (VALUES
  (-30000090, 0.0015487709414273272), (-29000087, 0.011076946167139773), (-28000084, 0.02884805902609544),
  (-27000081, 0.18989050572239607), (-26000078, 0.002403576571140556), (-25000075, 0.013854721202035857),
  (-24000072, 0.041485107829567255), (-23000069, 0.022153892334279546), (-22000066, 0.02636754164588486),
  (-21000063, 0.005359039749742201), (-20000060, 0.002296022701392531), (-19000057, 0.0),
  (-18000054, 0.0008242284009840958), (-17000051, 0.0018609269560794796), (-16000048, 0.0015579048898186072),
  (-15000045, 0.06672325150823649), (-14000042, 0.003956583847158351), (-13000039, 0.11255039082488633),
  (-12000036, 0.0), (-11000033, 0.015757054715483797), (-10000030, 0.003708345223689322),
  (-9000027, 0.013737140016401651), (-8000024, 0.0017082103223940589), (-7000021, 0.025154676376341015),
  (-6000018, 0.008242284009840988), (-5000015, 0.02838290944619096), (-4000012, 0.004877827143357274),
  (-3000009, 0.001302648869255639), (-2000006, 0.002991020066931545), (-1000003, 0.05175265749232981),
  (0, 0.03331970240789467), (1000003, 0.001349283459887552), (2000006, 0.0), (3000009, 0.012832937927991634),
  (4000012, 0.0011537074029255307), (5000015, 0.10304445506475418), (6000018, 0.0),
  (7000021, 0.08802656767856769), (8000024, 0.05159135652036195), (9000027, 0.0),
  (10000030, 0.006153430439350059), (11000033, 0.0018359620382412943), (12000036, 0.010320353059544627)
) v;
SELECT name, count(*) AS nodes, max(abs(r.risk - x.risk)) < 1e-13 AS within_1e_13
FROM nx_pr r JOIN LATERAL (
  SELECT * FROM loan_risk.risk_propagation('SELECT a, b FROM nx_edges', 'SELECT node, weight FROM nx_seeds', 0.85, 30)
  WHERE r.name = 'A'
  UNION ALL
  SELECT * FROM loan_risk.risk_propagation('SELECT a, b, w FROM nx_edges', 'SELECT node, weight FROM nx_seeds', 0.85, 300)
  WHERE r.name = 'B'
  UNION ALL
  SELECT * FROM loan_risk.risk_propagation('SELECT a, b, w FROM nx_edges', 'SELECT node, weight FROM nx_seeds', 0.7, 30, true)
  WHERE r.name = 'C'
  UNION ALL
  SELECT * FROM loan_risk.risk_propagation('SELECT a, b, w FROM nx_edges', 'SELECT node, weight FROM nx_seeds', 0.7, 300, true)
  WHERE r.name = 'D'
) x ON x.node = r.node
GROUP BY name ORDER BY name;

-- Against plain SQL on a graph of several blocks (40000 weighted directed
-- edges over 6000 nodes, some dangling), 10 iterations of the same formula;
-- and 2 threads give bit-identical results, directed or not.
CREATE TABLE big_edges AS
SELECT (hashint8(7 * i) & 2147483647) % 6000 AS a, (hashint8(7 * i + 1) & 2147483647) % 5000 AS b, (1 + (hashint8(7 * i + 2) & 2147483647) % 100) / 10.0 AS w
FROM generate_series(1, 40000) i;
CREATE TABLE big_seeds AS SELECT g * 37 AS node, 1 + g % 3 AS weight FROM generate_series(1, 100) g;
CREATE FUNCTION sql_pagerank(damping float8, iterations int) RETURNS TABLE (node bigint, risk float8)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE dm float8;
BEGIN
  CREATE TEMP TABLE n AS SELECT DISTINCT v AS node FROM big_edges, LATERAL (VALUES (a), (b)) x(v);
  CREATE TEMP TABLE outw AS SELECT a AS node, sum(w) AS w FROM big_edges GROUP BY a;
  CREATE TEMP TABLE p AS
    SELECT n.node, coalesce(s.weight / (SELECT sum(weight) FROM big_seeds WHERE big_seeds.node IN (SELECT node FROM n)), 0) AS p
    FROM n LEFT JOIN (SELECT big_seeds.node, sum(weight)::float8 AS weight FROM big_seeds GROUP BY 1) s USING (node);
  CREATE TEMP TABLE x AS SELECT p.node, p.p AS x FROM p;
  FOR i IN 1 .. iterations LOOP
    SELECT coalesce(sum(x.x), 0) INTO dm FROM x LEFT JOIN outw USING (node) WHERE outw.node IS NULL OR outw.w = 0;
    CREATE TEMP TABLE x2 AS
      SELECT p.node, damping * (coalesce(s.s, 0) + dm * p.p) + (1 - damping) * p.p AS x
      FROM p LEFT JOIN (SELECT e.b AS node, sum(x.x * e.w / o.w) AS s
                        FROM big_edges e JOIN x ON x.node = e.a JOIN outw o ON o.node = e.a GROUP BY e.b) s USING (node);
    DROP TABLE x;
    ALTER TABLE x2 RENAME TO x;
  END LOOP;
  RETURN QUERY SELECT x.node::bigint, x.x FROM x;
  DROP TABLE n, outw, p, x;
END $$;
SELECT count(*) AS nodes, count(*) FILTER (WHERE r.risk = 0) AS unreached,
       max(abs(r.risk - s.risk)) < 1e-14 AS matches_sql, abs(sum(r.risk) - 1) < 1e-12 AS sums_to_1
FROM loan_risk.risk_propagation('SELECT a, b, w FROM big_edges', 'SELECT node, weight FROM big_seeds', 0.85, 10, true) r
FULL JOIN sql_pagerank(0.85, 10) s USING (node);
CREATE TABLE big_1 AS
SELECT 'directed' AS kind, * FROM loan_risk.risk_propagation('SELECT a, b, w FROM big_edges', 'SELECT node, weight FROM big_seeds', directed => true)
UNION ALL
SELECT 'undirected', * FROM loan_risk.risk_propagation('SELECT a, b, w FROM big_edges', 'SELECT node, weight FROM big_seeds');
SET loan_risk.max_threads = 2;
SELECT kind, count(*) AS nodes, count(*) FILTER (WHERE t.risk IS DISTINCT FROM big_1.risk) AS differing_between_1_and_2_threads
FROM (
  SELECT 'directed' AS kind, * FROM loan_risk.risk_propagation('SELECT a, b, w FROM big_edges ORDER BY w, b DESC', 'SELECT node, weight FROM big_seeds', directed => true)
  UNION ALL
  SELECT 'undirected', * FROM loan_risk.risk_propagation('SELECT a, b, w FROM big_edges ORDER BY w, b DESC', 'SELECT node, weight FROM big_seeds')
) t FULL JOIN big_1 USING (kind, node)
GROUP BY kind ORDER BY kind;
RESET loan_risk.max_threads;
SELECT kind, count(*) AS nodes, abs(sum(risk) - 1) < 1e-12 AS sums_to_1 FROM big_1 GROUP BY kind ORDER BY kind;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA graph_risk_propagation_test CASCADE;
RESET client_min_messages;
