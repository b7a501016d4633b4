-- score(), pd(), pd_from_score(): features found by column name, every
-- column type, NULL/NaN/Infinity, errors that name the column, and caching.

CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards VALUES ('demo', '{
  "format": "loan_risk.scorecard/1", "name": "smb_demo",
  "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50},
  "base_points": 487,
  "features": [
    {"name": "gmv_90d", "type": "numeric", "reason": "Low 90-day sales",
     "bins": [{"upper": 1000, "points": 12, "woe": -0.51}, {"upper": 5000, "points": 30},
              {"upper": null, "points": 55}],
     "missing": {"points": 20}, "special": [{"values": [-1, -999], "points": 0}]},
    {"name": "region", "type": "categorical", "reason": "Region",
     "bins": [{"values": ["zhejiang", "jiangsu"], "points": 40}, {"values": ["other_east"], "points": 25}],
     "missing": {"points": 10}, "unseen": {"points": 10}}]}');

-- The worked example (doc/scorecard.md): hand-computed scores.
CREATE TABLE applicants (id int PRIMARY KEY, gmv_90d numeric, region text);
INSERT INTO applicants VALUES
  (1, 500, 'zhejiang'),      -- 487 + 12 + 40 = 539
  (2, 3000, 'other_east'),   -- 487 + 30 + 25 = 542
  (3, NULL, NULL),           -- 487 + 20 + 10 = 517 (missing, missing)
  (4, -999, 'xinjiang'),     -- 487 +  0 + 10 = 497 (special, unseen)
  (5, 'NaN', 'jiangsu'),     -- 487 + 20 + 40 = 547 (NaN is missing)
  (6, 1000, 'jiangsu'),      -- 487 + 30 + 40 = 557 (1000 opens the second bin)
  (7, 999.999, 'jiangsu'),   -- 487 + 12 + 40 = 539
  (8, 'Infinity', 'jiangsu'),-- 487 + 55 + 40 = 582
  (9, '-Infinity', 'jiangsu'),-- 487 + 12 + 40 = 539
  (10, 1e400, 'jiangsu'),    -- beyond double range: +Infinity, 582
  (11, -1, 'Zhejiang');      -- categories are case-sensitive: unseen; 487 + 0 + 10 = 497
SELECT a.id, loan_risk.score(c.card, a) AS score,
       round(loan_risk.pd(c.card, a)::numeric, 6) AS pd
FROM applicants a, cards c WHERE c.name = 'demo' ORDER BY a.id;

-- pd by hand: odds = 50 * 2^((539 - 600) / 20) = 6.0363..., pd = 1 / (1 + odds).
SELECT round((1 / (1 + 50 * 2 ^ ((539 - 600) / 20.0)))::numeric, 12) AS by_hand,
       round(loan_risk.pd_from_score(card, 539)::numeric, 12) AS pd_from_score
FROM cards WHERE name = 'demo';
SELECT loan_risk.pd_from_score(card, s) AS pd FROM cards,
  (VALUES (600::float8), ('Infinity'), ('-Infinity'), ('NaN'), (1e300)) v(s) WHERE name = 'demo';

-- STRICT: NULL card or NULL row gives NULL.
SELECT loan_risk.score(NULL, a) IS NULL AS null_card FROM applicants a WHERE id = 1;
SELECT loan_risk.score(card, NULL::applicants) IS NULL AS null_row FROM cards WHERE name = 'demo';

-- An anonymous row works too.
SELECT loan_risk.score(card, r) AS score FROM cards,
  (SELECT 4000 AS gmv_90d, 'zhejiang' AS region) r WHERE name = 'demo';

-- Every numeric column type, and categories from text-like, boolean, integer and enum columns.
CREATE TYPE tier AS ENUM ('gold', 'silver');
CREATE DOMAIN money_amount AS numeric(12,2);
CREATE TABLE typed (id int, n_small smallint, n_int integer, n_big bigint, n_real real,
                    n_dbl double precision, n_num numeric, n_dom money_amount,
                    c_text text, c_vc varchar(10), c_char char(6), c_name name, c_bool boolean,
                    c_int integer, c_enum tier);
INSERT INTO typed VALUES
  (1, 1, 1, 1, 1, 1, 1, 1, 'a', 'a', 'a', 'a', true, 1, 'gold'),
  (2, 5, 5, 5, 5.5, 5.5, 5.5, 5.5, 'b', 'b', 'b', 'b', false, 2, 'silver'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO cards SELECT 'typed', ('{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [' ||
  string_agg(format('{"name": "%s", "type": "numeric", "bins": [{"upper": 2, "points": %s}, {"upper": null, "points": %s}], "missing": {"points": 0.5}}',
                    col, 10 * i, 100 * i), ', ') || ', ' ||
  '{"name": "c_text", "type": "categorical", "bins": [{"values": ["a"], "points": 1000}], "unseen": {"points": 0}, "missing": {"points": 0.5}}, ' ||
  '{"name": "c_vc", "type": "categorical", "bins": [{"values": ["a"], "points": 1000}], "unseen": {"points": 0}, "missing": {"points": 0.5}}, ' ||
  '{"name": "c_char", "type": "categorical", "bins": [{"values": ["a"], "points": 1000}], "unseen": {"points": 0}, "missing": {"points": 0.5}}, ' ||
  '{"name": "c_name", "type": "categorical", "bins": [{"values": ["a"], "points": 1000}], "unseen": {"points": 0}, "missing": {"points": 0.5}}, ' ||
  '{"name": "c_bool", "type": "categorical", "bins": [{"values": [true], "points": 1000}], "unseen": {"points": 0}, "missing": {"points": 0.5}}, ' ||
  '{"name": "c_int", "type": "categorical", "bins": [{"values": [1], "points": 1000}], "unseen": {"points": 0}, "missing": {"points": 0.5}}, ' ||
  '{"name": "c_enum", "type": "categorical", "bins": [{"values": ["gold"], "points": 1000}], "unseen": {"points": 0}, "missing": {"points": 0.5}}]}')::loan_risk.scorecard
FROM unnest(ARRAY['n_small', 'n_int', 'n_big', 'n_real', 'n_dbl', 'n_num', 'n_dom']) WITH ORDINALITY u(col, i);
-- Row 1: all numerics in the first bin (10+20+...+70 = 280) and all categories listed (7000): 7280.
-- Row 2: all numerics in the second bin (100+...+700 = 2800), no category listed: 2800.
-- Row 3: everything missing: 14 * 0.5 = 7.
SELECT t.id, loan_risk.score(c.card, t) AS score FROM typed t, cards c WHERE c.name = 'typed' ORDER BY t.id;
SELECT d.feature, d.value, d.bin_kind, d.points FROM typed t, cards c, loan_risk.score_detail(c.card, t) d
WHERE c.name = 'typed' AND t.id = 1;

-- Empty card: the score is the base points, whatever the row.
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "base_points": 42.5, "features": []}', a) AS score
FROM applicants a WHERE id = 1;

-- ---------------------------------------------------------------- errors
-- A feature with no column of that name (names are case-sensitive).
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "name": "c1", "base_points": 0, "features": [
  {"name": "GMV_90d", "type": "numeric", "bins": [{"upper": null, "points": 1}]}]}', a) FROM applicants a;
-- A column of a type the feature cannot read.
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "name": "c2", "base_points": 0, "features": [
  {"name": "region", "type": "numeric", "bins": [{"upper": null, "points": 1}]}]}', a) FROM applicants a;
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "name": "c3", "base_points": 0, "features": [
  {"name": "d", "type": "categorical", "bins": [{"values": ["x"], "points": 1}]}]}', r)
FROM (SELECT current_date AS d) r;
-- NULL or NaN with no missing bin, and an unlisted category with no unseen bin.
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "name": "c4", "base_points": 0, "features": [
  {"name": "gmv_90d", "type": "numeric", "bins": [{"upper": null, "points": 1}]}]}', a) FROM applicants a WHERE id = 3;
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "name": "c4", "base_points": 0, "features": [
  {"name": "gmv_90d", "type": "numeric", "bins": [{"upper": null, "points": 1}]}]}', a) FROM applicants a WHERE id = 5;
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "name": "c5", "base_points": 0, "features": [
  {"name": "region", "type": "categorical", "bins": [{"values": ["zhejiang"], "points": 1}]}]}', a) FROM applicants a WHERE id = 4;
-- pd needs scaling.
SELECT loan_risk.pd('{"format": "loan_risk.scorecard/1", "name": "c6", "base_points": 0, "features": []}', a) FROM applicants a WHERE id = 1;

-- ---------------------------------------------------------------- caching
-- A card that changes from row to row (a join against a table of cards) is
-- recompiled when it changes, never confused with the previous one.
INSERT INTO cards VALUES ('flat', '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [
  {"name": "gmv_90d", "type": "numeric", "bins": [{"upper": null, "points": 1}], "missing": {"points": 1}}]}');
SELECT c.name, a.id, loan_risk.score(c.card, a) AS score
FROM cards c JOIN applicants a ON a.id IN (1, 3) WHERE c.name IN ('demo', 'flat') ORDER BY a.id, c.name;

-- ---------------------------------------------------------------- the fast path
-- On a plain table the planner passes the columns to score_columns() instead
-- of building a composite value per row; results are the same everywhere.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT loan_risk.score(c.card, a), loan_risk.pd(c.card, a) FROM applicants a, cards c WHERE c.name = 'demo';
-- Null-extended rows of an outer join give NULL, as the record form does; a
-- row that exists with every column NULL is scored (id 3: 517).
SELECT x.i, a.id, loan_risk.score(c.card, a) AS score, loan_risk.pd(c.card, a) IS NULL AS pd_is_null
FROM cards c CROSS JOIN generate_series(1, 5) x(i) LEFT JOIN applicants a ON a.id = x.i * 3
WHERE c.name = 'demo' ORDER BY x.i;
-- A view and a subquery keep the record form and agree.
CREATE VIEW v_applicants AS SELECT * FROM applicants;
SELECT count(*) FILTER (WHERE loan_risk.score(c.card, a) IS NOT DISTINCT FROM
                              (SELECT loan_risk.score(c.card, v) FROM v_applicants v WHERE v.id = a.id)) AS same_via_view,
       count(*) FILTER (WHERE loan_risk.score(c.card, a) IS NOT DISTINCT FROM
                              (SELECT loan_risk.score(c.card, s) FROM (SELECT * FROM applicants) s WHERE s.id = a.id)) AS same_via_subquery
FROM applicants a, cards c WHERE c.name = 'demo';
-- A partitioned table, with a dropped column and columns in another order per partition.
CREATE TABLE parted (id int, junk int, region text, gmv_90d numeric) PARTITION BY RANGE (id);
CREATE TABLE parted_1 (gmv_90d numeric, region text, junk int, id int);
ALTER TABLE parted ATTACH PARTITION parted_1 FOR VALUES FROM (0) TO (6);
CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (6) TO (100);
ALTER TABLE parted DROP COLUMN junk;
INSERT INTO parted SELECT id, region, gmv_90d FROM applicants;
SELECT p.id, loan_risk.score(c.card, p) AS score FROM parted p, cards c WHERE c.name = 'demo' ORDER BY p.id;
-- UPDATE ... SET pd = pd(card, t): the form Citus and shards push down.
ALTER TABLE applicants ADD COLUMN pd float8;
UPDATE applicants a SET pd = loan_risk.pd(c.card, a) FROM cards c WHERE c.name = 'demo';
SELECT id, round(pd::numeric, 6) AS pd FROM applicants WHERE id <= 3 ORDER BY id;

-- ---------------------------------------------------------------- a huge card
-- 1,000 numeric features of 20 bins each against a 1,000-column row: the
-- score equals the plain-SQL sum of each feature's bin points.
DO $$
BEGIN
  EXECUTE (SELECT format('CREATE TABLE wide (r int, %s)', string_agg(format('f%s float8', i), ', ' ORDER BY i))
           FROM generate_series(1, 1000) i);
  EXECUTE (SELECT format('INSERT INTO wide SELECT r, %s FROM generate_series(1, 3) r',
                  string_agg(format('(hashint4(r * 1000 + %s) & 255) / 10.0', i), ', ' ORDER BY i))
           FROM generate_series(1, 1000) i);
END $$;
INSERT INTO cards SELECT 'wide', ('{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [' ||
  string_agg(format('{"name": "f%s", "type": "numeric", "bins": [%s, {"upper": null, "points": %s}]}', i,
    (SELECT string_agg(format('{"upper": %s, "points": %s}', j, (j - 1) * i), ', ' ORDER BY j)
       FROM generate_series(1, 19) j), 19 * i), ', ' ORDER BY i) || ']}')::loan_risk.scorecard
FROM generate_series(1, 1000) i;
-- Bin index of v = number of uppers 1..19 that are <= v = least(floor(v), 19).
SELECT w.r, loan_risk.score(c.card, w) AS score,
       (SELECT sum(least(floor(value::float8), 19) * substr(key, 2)::int)
          FROM json_each_text(row_to_json(w)) WHERE key <> 'r') AS by_sql
FROM wide w, cards c WHERE c.name = 'wide' ORDER BY w.r;

-- ---------------------------------------------------------------- parallel
-- On a regular table with forced parallel costs: Gather over a parallel scan
-- computing sum(score(...)), equal to the serial result.
CREATE TABLE pop AS
SELECT i AS id,
       CASE WHEN i % 50 = 0 THEN NULL WHEN i % 97 = 0 THEN -999 ELSE (hashint4(i) & 8191)::numeric END AS gmv_90d,
       (ARRAY['zhejiang', 'jiangsu', 'other_east', 'xinjiang', NULL])[1 + (hashint4(i * 3) & 3) + (i % 41 = 0)::int] AS region
FROM generate_series(1, 200000) i;
ALTER TABLE pop SET (parallel_workers = 2);
ANALYZE pop;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT sum(loan_risk.score((SELECT card FROM cards WHERE name = 'demo'), p)) FROM pop p;
SELECT sum(loan_risk.score((SELECT card FROM cards WHERE name = 'demo'), p)) AS s,
       sum(loan_risk.pd((SELECT card FROM cards WHERE name = 'demo'), p)) AS p FROM pop p \gset par_
SET max_parallel_workers_per_gather = 0;
-- Scores are integers here, so their sums are exact in any order.  Sums of pd
-- differ by float rounding in another order: 200,000 additions to a total
-- near 22,000 err by at most 200000 * ulp(22000) = 7e-7, relative 3.3e-11.
SELECT sum(loan_risk.score((SELECT card FROM cards WHERE name = 'demo'), p)) = :par_s AS score_parallel_equals_serial,
       abs(sum(loan_risk.pd((SELECT card FROM cards WHERE name = 'demo'), p)) - :par_p) < 1e-10 * :par_p AS pd_parallel_equals_serial
FROM pop p;
RESET ALL;
