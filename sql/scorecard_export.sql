-- scorecard_table() (the card as rows, for BI tools) and scorecard_sql() (the
-- card as a plain-SQL CASE expression that gives identical scores).

CREATE TABLE ecards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO ecards VALUES ('demo', '{
  "format": "loan_risk.scorecard/1", "name": "smb_demo",
  "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "base_points": 487,
  "features": [
    {"name": "gmv_90d", "type": "numeric",
     "bins": [{"upper": 1000, "points": 12, "woe": -0.51, "count": 300, "bads": 60, "iv": 0.08},
              {"upper": 5000, "points": 30, "label": "mid"}, {"upper": null, "points": 55.25}],
     "missing": {"points": 20}, "special": [{"values": [-1, -999], "points": 0}]},
    {"name": "Region Code", "type": "categorical",
     "bins": [{"values": ["zhejiang", "jiangsu"], "points": 40}, {"values": ["o''east", "x\\y"], "points": 25}],
     "missing": {"points": 10}, "unseen": {"points": 10.5}}]}');

SELECT * FROM loan_risk.scorecard_table((SELECT card FROM ecards WHERE name = 'demo'));
SELECT loan_risk.scorecard_sql(card) FROM ecards WHERE name = 'demo';
SELECT loan_risk.scorecard_sql(card, 'a') FROM ecards WHERE name = 'demo';
SELECT loan_risk.scorecard_sql(NULL, 'a') IS NULL AS null_card;
SELECT loan_risk.scorecard_sql('{"format": "loan_risk.scorecard/1", "base_points": -3, "features": []}') AS empty_card;

-- scorecard_sql and score agree on every row of a generated table, including
-- NULLs, NaN, +/-Infinity, special values, boundaries and unseen categories.
CREATE TABLE e_applicants (id int, gmv_90d numeric, "Region Code" text);
INSERT INTO e_applicants
SELECT i,
       CASE i % 11 WHEN 0 THEN NULL WHEN 1 THEN 'NaN' WHEN 2 THEN -999 WHEN 3 THEN 1000 WHEN 4 THEN 5000
                   WHEN 5 THEN 'Infinity' WHEN 6 THEN '-Infinity' ELSE (hashint4(i) % 10000) / 1.7 END,
       (ARRAY['zhejiang', 'jiangsu', 'o''east', 'x\y', 'other', NULL])[1 + (hashint4(i * 5) & 7) % 6]
FROM generate_series(1, 20000) i;
SELECT loan_risk.scorecard_sql(card, 'a') AS expr FROM ecards WHERE name = 'demo' \gset
SELECT count(*) AS rows_compared,
       count(*) FILTER (WHERE loan_risk.score(c.card, a) = :expr) AS identical
FROM e_applicants a, ecards c WHERE c.name = 'demo';

-- Every bin is exercised by those rows.
SELECT d.feature, d.bin, count(*) FROM e_applicants a, ecards c, loan_risk.score_detail(c.card, a) d
WHERE c.name = 'demo' GROUP BY 1, 2 ORDER BY 1, 2;

-- Where score() raises an error (no missing bin for a NULL, no unseen bin),
-- the SQL form yields NULL.
INSERT INTO ecards VALUES ('strict', '{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [
  {"name": "gmv_90d", "type": "numeric", "bins": [{"upper": null, "points": 1}]},
  {"name": "Region Code", "type": "categorical", "bins": [{"values": ["zhejiang"], "points": 1}]}]}');
SELECT loan_risk.scorecard_sql(card, 'a') AS expr FROM ecards WHERE name = 'strict' \gset
SELECT id, gmv_90d, "Region Code", :expr AS sql_score FROM e_applicants a WHERE id IN (11, 12, 13, 14) ORDER BY id;
