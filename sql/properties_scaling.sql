-- Invariance under scaling and monotone transforms, where the mathematics
-- says so, on deterministic generated data across the float8 range.
CREATE SCHEMA properties_scaling;
SET search_path = properties_scaling;

-- 20000 scores with 16-bit resolution in (0, 1), outcomes and an
-- expected/actual split that both depend on the score.
CREATE TABLE s AS
SELECT i, ((hashint4(i) & 65535) + 1) / 65537.0::float8 AS u,
       (hashint4(i + 7) & 1023) < 200 + 400 * ((hashint4(i) & 65535) / 65536.0) AS bad,
       (hashint4(i + 13) & 1023) < 300 + 400 * ((hashint4(i) & 65535) / 65536.0) AS actual
FROM generate_series(1, 20000) i;

-- AUC, KS and Gini depend on the order of the scores only: equal under
-- strictly increasing transforms (scaling to 1e-300 or 1e300, powers, logs,
-- exponentials), AUC -> 1 - AUC under decreasing ones.  PSI and CSI bin by
-- the expected values' deciles: equal under increasing transforms, a
-- common scaling of expected and actual among them (a decreasing one moves
-- the values at the cut points to the other side: not compared).
CREATE TABLE t AS
SELECT name, loan_risk.auc(v, bad) AS auc, loan_risk.ks(v, bad) AS ks, loan_risk.gini(v, bad) AS gini,
       loan_risk.psi(v, actual, 10) AS psi, loan_risk.csi(v, actual, 10) AS csi
FROM (SELECT name, CASE name WHEN 'identity' THEN u WHEN 'times 1e-300' THEN u * 1e-300
                            WHEN 'times 1e300' THEN u * 1e300 WHEN 'times 1.7e308' THEN u * 1.7e308
                            WHEN 'cube' THEN u * u * u WHEN 'ln' THEN ln(u) WHEN 'exp' THEN exp(u)
                            WHEN 'plus 1e6' THEN u + 1e6 WHEN 'minus' THEN -u WHEN 'one over' THEN 1 / u END AS v,
             bad, actual
      FROM s, unnest(ARRAY['identity', 'times 1e-300', 'times 1e300', 'times 1.7e308', 'cube', 'ln', 'exp',
                           'plus 1e6', 'minus', 'one over']) name) q
GROUP BY name;
SELECT t.name,
       CASE WHEN t.name IN ('minus', 'one over') THEN abs(t.auc - (1 - i.auc)) < 1e-15
            ELSE t.auc = i.auc END AS auc_invariant,
       t.ks = i.ks AS ks_invariant,
       CASE WHEN t.name IN ('minus', 'one over') THEN abs(t.gini + i.gini) < 1e-15
            ELSE t.gini = i.gini END AS gini_invariant,
       abs(t.gini - (2 * t.auc - 1)) < 1e-15 AS gini_is_2auc_minus_1,
       CASE WHEN t.name NOT IN ('minus', 'one over') THEN abs(t.psi - i.psi) < 1e-15 END AS psi_invariant,
       CASE WHEN t.name NOT IN ('minus', 'one over') THEN abs(t.csi - i.csi) < 1e-15 END AS csi_invariant
FROM t, t i WHERE i.name = 'identity' ORDER BY t.name;

-- robust_stats: the median and the MAD scale linearly, the mean absolute
-- deviation too; exactly for powers of two, within 1e-15 otherwise (exact
-- mode), within the sketch's bound in approximate mode.
CREATE TABLE r AS
SELECT i, CASE WHEN i % 97 = 0 THEN 40 * u ELSE u END * CASE WHEN i % 3 = 0 THEN -1 ELSE 1 END AS x FROM s;
CREATE TABLE rs AS
SELECT c, loan_risk.robust_stats(c * x) AS e, loan_risk.robust_stats(c * x, 1000) AS a
FROM r, unnest(ARRAY[1, 2, 0.5, 2::float8 ^ (-1000), 2::float8 ^ 1000, -1, 3, 1e-300, 1e300, -1e300, 1e-290]::float8[]) c
GROUP BY c;
SELECT rs.c,
       CASE WHEN ln(abs(rs.c)) / ln(2) = round(ln(abs(rs.c)) / ln(2))
            THEN (rs.e).median = rs.c * (b.e).median AND (rs.e).mad = abs(rs.c) * (b.e).mad
            ELSE abs((rs.e).median - rs.c * (b.e).median) <= 1e-15 * abs(rs.c * (b.e).median)
                 AND abs((rs.e).mad - abs(rs.c) * (b.e).mad) <= 1e-15 * abs(rs.c) * (b.e).mad END AS exact_scales,
       abs((rs.e).mean_abs_dev - abs(rs.c) * (b.e).mean_abs_dev) <= 1e-14 * abs(rs.c) * (b.e).mean_abs_dev
         AS mean_abs_dev_scales,
       abs((rs.a).median - rs.c * (b.e).median) <= 1e-4 * abs(rs.c * (b.e).median) AS sketch_median_scales,
       abs((rs.a).mad - abs(rs.c) * (b.e).mad) <= 1e-4 * abs(rs.c) * ((b.e).mad + 2 * abs((b.e).median))
         AS sketch_mad_scales
FROM rs, rs b WHERE b.c = 1 ORDER BY rs.c;

-- risk_propagation: personalised PageRank normalises each node's weights,
-- so scaling every edge weight (or every seed weight) changes nothing.
CREATE TABLE g AS
SELECT (hashint4(i) & 255)::bigint AS a, (hashint4(i + 1000) & 255)::bigint AS b,
       ((hashint4(i + 2000) & 1023) + 1)::float8 AS w
FROM generate_series(1, 2000) i;
CREATE TABLE base AS
SELECT d, node, risk
FROM unnest(ARRAY[false, true]) d,
     LATERAL loan_risk.risk_propagation('SELECT a, b, w FROM properties_scaling.g',
                                        'SELECT a, 1 FROM properties_scaling.g WHERE a % 17 = 0', directed => d);
SELECT sc.c, dd.d AS directed, count(*) AS nodes, max(abs(p.risk - b.risk)) <= 1e-15 AS invariant
FROM unnest(ARRAY[2::float8 ^ (-1070), 1e-300, 2.2e-305, 3, 1e300, 1e305]::float8[]) sc(c),
     unnest(ARRAY[false, true]) dd(d),
     LATERAL loan_risk.risk_propagation(format('SELECT a, b, w * %s::float8 FROM properties_scaling.g', sc.c),
                                        format('SELECT a, %s::float8 FROM properties_scaling.g WHERE a %% 17 = 0', sc.c),
                                        directed => dd.d) p,
     base b
WHERE b.d = dd.d AND b.node = p.node
GROUP BY sc.c, dd.d ORDER BY sc.c, dd.d;
