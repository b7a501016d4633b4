-- loan_risk.roc_curve: the ROC and KS curve of a score distribution state.

-- goods at 1 and 2, bads at 1 and 3 (AUC 0.625, KS 0.5)
SELECT * FROM loan_risk.roc_curve((SELECT loan_risk.auc_partial(risk, bad)
                                   FROM (VALUES (1, 0), (1, 1), (2, 0), (3, 1)) v(risk, bad)));
-- NaN ranks above +Infinity, as in PostgreSQL's order; -0 is 0
SELECT risk, goods, bads, fpr, tpr FROM loan_risk.roc_curve((SELECT loan_risk.auc_partial(r, b) FROM (VALUES
  ('NaN'::float8, true), ('Infinity', false), ('-Infinity', true), ('-0', false), ('0', true), (NULL, true), (1, NULL)) v(r, b)));
-- one class only: the rates of the missing class are NULL
SELECT risk, cum_goods, cum_bads, fpr, tpr, ks FROM loan_risk.roc_curve((SELECT loan_risk.auc_partial(r, 0) FROM generate_series(1, 3) r));
-- NULL state; no rows
SELECT count(*) FROM loan_risk.roc_curve(NULL);
SELECT count(*) FROM loan_risk.roc_curve((SELECT loan_risk.auc_partial(1.0, true) WHERE false));

-- Against plain SQL on generated data: 20000 rows, PDs with ties.
CREATE TABLE loans AS
SELECT i, round((((hashint4(i) & 2147483647) / 2147483647.0) * 0.4)::numeric, 3)::float8 AS pd,
       (((hashint4(i + 77777) & 2147483647) / 2147483647.0) < 0.05 + 0.5 * (((hashint4(i) & 2147483647) / 2147483647.0) * 0.4))::int AS bad
FROM generate_series(1, 20000) i;
CREATE TABLE curve AS SELECT * FROM loan_risk.roc_curve((SELECT loan_risk.auc_partial(pd, bad) FROM loans));
WITH r AS (
  SELECT pd AS risk, count(*) FILTER (WHERE bad = 0) AS goods, count(*) FILTER (WHERE bad = 1) AS bads FROM loans GROUP BY pd),
ref AS (
  SELECT risk, goods, bads, sum(goods) OVER w AS cum_goods, sum(bads) OVER w AS cum_bads FROM r
  WINDOW w AS (ORDER BY risk DESC))
SELECT (SELECT count(*) FROM curve) AS points,
       (SELECT count(*) FROM (SELECT risk, goods, bads, cum_goods, cum_bads FROM curve
                              EXCEPT ALL SELECT risk, goods, bads, cum_goods, cum_bads FROM ref) e) AS differences,
       (SELECT bool_and(c.fpr = c.cum_goods::float8 / g AND c.tpr = c.cum_bads::float8 / b AND c.ks = c.tpr - c.fpr)
        FROM curve c, (SELECT count(*) FILTER (WHERE bad = 0) AS g, count(*) FILTER (WHERE bad = 1) AS b FROM loans) t) AS rates_ok;
-- the curve agrees with the aggregates: trapezoids give the AUC, the largest gap is the KS,
-- and it comes out riskiest first
SELECT abs(area - (SELECT loan_risk.auc(pd, bad) FROM loans)) < 1e-12 AS area_is_auc,
       abs(max_ks - (SELECT loan_risk.ks(pd, bad) FROM loans)) < 1e-12 AS max_gap_is_ks,
       descending
FROM (SELECT sum((fpr - coalesce(pf, 0)) * (tpr + coalesce(pt, 0)) / 2) AS area, max(abs(ks)) AS max_ks,
             bool_and(pr IS NULL OR risk < pr) AS descending
      FROM (SELECT fpr, tpr, ks, risk, lag(fpr) OVER () AS pf, lag(tpr) OVER () AS pt, lag(risk) OVER () AS pr
            FROM curve) x) y;
-- the same curve from partial states merged across groups (as from shards), and from a table state
CREATE AGGREGATE state_union(loan_risk.score_dist_state) (
  SFUNC = loan_risk.score_dist_combine, STYPE = loan_risk.score_dist_state);
SELECT count(*) AS differences FROM (
  SELECT * FROM loan_risk.roc_curve((SELECT state_union(s)
                                     FROM (SELECT loan_risk.auc_partial(pd, bad) AS s FROM loans GROUP BY i % 7) g))
  EXCEPT ALL SELECT * FROM curve) d;
SELECT count(*) AS differences FROM (
  SELECT * FROM loan_risk.roc_curve((SELECT loan_risk.gains_table_partial(pd, bad, 10) FROM loans))
  EXCEPT ALL SELECT * FROM curve) d;
