-- reasons() and score_detail(): adverse-action reasons and the per-feature
-- breakdown of a score.

CREATE TABLE rcard AS SELECT '{
  "format": "loan_risk.scorecard/1", "name": "reasons_demo", "base_points": 500,
  "features": [
    {"name": "gmv_90d", "type": "numeric", "reason": "Low 90-day sales",
     "bins": [{"upper": 1000, "points": 10}, {"upper": 5000, "points": 30}, {"upper": null, "points": 50}],
     "missing": {"points": 5}},
    {"name": "months_active", "type": "numeric", "reason": "Short trading history",
     "bins": [{"upper": 6, "points": 0}, {"upper": 24, "points": 20}, {"upper": null, "points": 40}],
     "missing": {"points": 0}},
    {"name": "region", "type": "categorical",
     "bins": [{"values": ["zhejiang"], "points": 40}, {"values": ["other"], "points": 0}],
     "unseen": {"points": 20}, "missing": {"points": 20}},
    {"name": "refund_share", "type": "numeric", "reason": "High refund share",
     "bins": [{"upper": 0.05, "points": 30}, {"upper": null, "points": 0}],
     "missing": {"points": 40}}]}'::loan_risk.scorecard AS card;

CREATE TABLE r_applicants (id int, gmv_90d numeric, months_active int, region text, refund_share float8);
INSERT INTO r_applicants VALUES
  (1, 500, 3, 'other', 0.2),       -- shortfalls: gmv 40, months 40, region 40, refund 40: all tie
  (2, 6000, 30, 'zhejiang', NULL), -- at the maximum everywhere (refund missing = 40 is its max)
  (3, 2000, 12, 'xinjiang', 0.01), -- gmv 20, months 20, region 20 (unseen), refund 10
  (4, NULL, NULL, NULL, 0.5);      -- gmv 45, months 40, region 20, refund 40

-- Ties are broken by the feature's order in the card; the feature's "reason"
-- text is returned when it has one, else its name; features at their maximum
-- are never reasons.
SELECT id, loan_risk.reasons(card, a) AS top4, loan_risk.reasons(card, a, 2) AS top2,
       loan_risk.reasons(card, a, 0) AS none, loan_risk.reasons(card, a, 10) AS all_reasons
FROM r_applicants a, rcard ORDER BY id;
SELECT loan_risk.reasons(card, a, -1) FROM r_applicants a, rcard WHERE id = 1;
SELECT loan_risk.reasons(card, a, NULL) IS NULL AS null_n FROM r_applicants a, rcard WHERE id = 1;

-- The breakdown adds up to the score.
SELECT a.id, d.feature, d.value, d.bin_kind, d.bin_index, d.bin, d.points, d.max_points
FROM r_applicants a, rcard, loan_risk.score_detail(card, a) d WHERE a.id IN (3, 4) ORDER BY a.id;
SELECT a.id, loan_risk.score(card, a) = 500 + (SELECT sum(points) FROM loan_risk.score_detail(card, a)) AS adds_up
FROM r_applicants a, rcard ORDER BY a.id;

-- Against the definition written in plain SQL (rank features by max_points -
-- points, ties in card order, drop zero shortfalls) over score_detail's
-- breakdown: matches reasons() for 2,000 generated applicants.
INSERT INTO r_applicants
SELECT 100 + i, (hashint4(i) & 8191), (hashint4(i * 7) & 63),
       (ARRAY['zhejiang', 'other', 'xinjiang', NULL])[1 + (hashint4(i * 11) & 3)],
       CASE WHEN i % 13 = 0 THEN NULL ELSE (hashint4(i * 13) & 255) / 1000.0 END
FROM generate_series(1, 2000) i;
WITH detail AS (
  SELECT a.id, d.feature, d.max_points - d.points AS shortfall, o.ord
  FROM r_applicants a, rcard, loan_risk.score_detail(card, a) d
  JOIN (VALUES ('gmv_90d', 1, 'Low 90-day sales'), ('months_active', 2, 'Short trading history'),
               ('region', 3, 'region'), ('refund_share', 4, 'High refund share')) o(f, ord, txt) ON o.f = d.feature),
ranked AS (
  SELECT id, array_agg(CASE feature WHEN 'region' THEN 'region' WHEN 'gmv_90d' THEN 'Low 90-day sales'
                         WHEN 'months_active' THEN 'Short trading history' ELSE 'High refund share' END
                       ORDER BY shortfall DESC, ord) FILTER (WHERE shortfall > 0) AS expected
  FROM detail GROUP BY id)
SELECT count(*) AS applicants,
       count(*) FILTER (WHERE coalesce(r.expected[1:3], '{}') = loan_risk.reasons(card, a, 3)) AS matching
FROM ranked r JOIN r_applicants a USING (id), rcard;

-- On a plain table's rows the planner passes the columns one by one
-- (reasons_columns) instead of a composite value per row: the same reasons
-- as the record form (a row built by a subquery) for every applicant and n.
EXPLAIN (VERBOSE, COSTS OFF) SELECT loan_risk.reasons(card, a, 2) FROM r_applicants a, rcard;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE loan_risk.reasons(card, a, k) IS DISTINCT FROM loan_risk.reasons(card, (SELECT a), k)) AS differ
FROM r_applicants a, rcard, generate_series(0, 5) k;
-- Null-extended rows of an outer join give NULL, a NULL n gives NULL, a negative n an error.
SELECT x.i, loan_risk.reasons(c.card, a) AS reasons
FROM rcard c CROSS JOIN generate_series(1, 5) x(i) LEFT JOIN r_applicants a ON a.id = x.i ORDER BY x.i;
SELECT loan_risk.reasons(card, a, NULL::int) IS NULL AS null_n FROM r_applicants a, rcard WHERE id = 1;
SELECT loan_risk.reasons(card, a, -1) FROM r_applicants a, rcard WHERE id = 1;
