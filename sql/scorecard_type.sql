-- The loan_risk.scorecard type: text round trips, binary round trips, and
-- every validation error of the input function, each naming its JSON path.
\getenv abs_builddir PG_ABS_BUILDDIR

-- The worked example from doc/scorecard.md.
CREATE TABLE cards (id int PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards VALUES (1, '{
  "format": "loan_risk.scorecard/1",
  "name": "smb_demo",
  "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50},
  "base_points": 487,
  "features": [
    {"name": "gmv_90d", "type": "numeric",
     "bins": [{"upper": 1000, "points": 12, "woe": -0.51},
              {"upper": 5000, "points": 30},
              {"upper": null, "points": 55}],
     "missing": {"points": 20},
     "special": [{"values": [-1, -999], "points": 0}]},
    {"name": "region", "type": "categorical",
     "bins": [{"values": ["zhejiang", "jiangsu"], "points": 40},
              {"values": ["other_east"], "points": 25}],
     "missing": {"points": 10},
     "unseen": {"points": 10}}
  ]
}');
SELECT card FROM cards;

-- Every optional field is kept, in canonical order; numbers print shortest.
INSERT INTO cards VALUES (2, '{"metadata": {"owner": "risk team", "tags": ["a", 1, true, null]},
  "training": {"rows": 100000, "auc": 0.7612}, "statistics": {"aic": 1234.5},
  "features": [{"binning": {"trend": "ascending", "max_bins": 6}, "iv": 0.31, "coefficient": -0.8123,
                "reason": "Low recent sales", "description": "GMV over 90 days", "type": "numeric",
                "name": "gmv", "bins": [{"points": 1.5, "upper": 0.1, "label": "tiny", "iv": 0.01,
                                          "bads": 3, "count": 10, "woe": 0.3333333333333333},
                                         {"points": 2, "upper": null}]}],
  "intercept": -2.5, "base_points": 100, "description": "all fields", "name": "full",
  "format": "loan_risk.scorecard/1"}');
SELECT card FROM cards WHERE id = 2;

-- Text round trip: reading the canonical text back gives the same text.
SELECT id, card::text::loan_risk.scorecard::text = card::text AS text_round_trip FROM cards ORDER BY id;

-- jsonb casts both ways.
SELECT (card::jsonb)->'scaling' AS scaling FROM cards WHERE id = 1;
SELECT ((card::jsonb)::loan_risk.scorecard)::text = card::text AS via_jsonb FROM cards ORDER BY id;

-- Binary round trip through send and receive (COPY BINARY uses both).
\set binfile :abs_builddir '/results/scorecard_type.bin'
COPY cards TO :'binfile' WITH (FORMAT binary);
CREATE TABLE cards2 (LIKE cards);
COPY cards2 FROM :'binfile' WITH (FORMAT binary);
SELECT c.id, c.card::text = c2.card::text AS binary_round_trip
  FROM cards c JOIN cards2 c2 USING (id) ORDER BY id;

-- Empty card: no features at all is a valid card (score = base_points).
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 500, "features": []}'::loan_risk.scorecard;

-- Categories given as integers and booleans are kept as their text form.
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [
  {"name": "c", "type": "categorical", "bins": [{"values": [1, -2, true, "x"], "points": 1}]}]}'::loan_risk.scorecard;

-- NULL in, NULL out.
SELECT NULL::loan_risk.scorecard IS NULL AS is_null;

-- ---------------------------------------------------------------- errors
-- Malformed JSON.
SELECT ''::loan_risk.scorecard;
SELECT '{"format": '::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1",}'::loan_risk.scorecard;
SELECT '[1, 2]'::loan_risk.scorecard;
SELECT '{"a": 1} x'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "format": "loan_risk.scorecard/1"}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1e999, "features": []}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": NaN, "features": []}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "name": "a\u0000b", "base_points": 1, "features": []}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "name": "\ud800", "base_points": 1, "features": []}'::loan_risk.scorecard;
SELECT repeat('[', 100)::loan_risk.scorecard;

-- Top level.
SELECT '{"base_points": 1, "features": []}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/2", "base_points": 1, "features": []}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "features": []}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": "1", "features": []}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": {}}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [], "colour": "red"}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 2e15, "features": []}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [], "statistics": [1]}'::loan_risk.scorecard;

-- Scaling.
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [], "scaling": {"pdo": 20, "base_score": 600}}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [], "scaling": {"pdo": 0, "base_score": 600, "base_odds": 50}}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [], "scaling": {"pdo": 20, "base_score": 600, "base_odds": -1}}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [], "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50, "x": 1}}'::loan_risk.scorecard;

-- Features.
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [1]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"type": "numeric", "bins": []}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "", "type": "numeric", "bins": []}]}'::loan_risk.scorecard;
SELECT ('{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "' || repeat('x', 64) || '", "type": "numeric", "bins": []}]}')::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "ordinal", "bins": []}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric"}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": []}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "weight": 2}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [
  {"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}]},
  {"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 2}]}]}'::loan_risk.scorecard;

-- Numeric bins.
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": 5, "points": 1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}, {"upper": null, "points": 2}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": 10, "points": 1}, {"upper": 10, "points": 2}, {"upper": null, "points": 3}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": 10, "points": 1}, {"upper": 5, "points": 2}, {"upper": null, "points": 3}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"points": 1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": "10", "points": 1}, {"upper": null, "points": 1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1, "uper": 3}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1, "count": -1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1, "count": 1.5}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1, "count": 5, "bads": 6}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1, "label": 7}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1e16}]}]}'::loan_risk.scorecard;

-- Missing, special and unseen.
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "missing": {}}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "missing": 3}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "unseen": {"points": 1}}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "special": {"values": [1], "points": 0}}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "special": [{"values": [], "points": 0}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "special": [{"values": ["-1"], "points": 0}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "special": [{"values": [-1, -2], "points": 0}, {"values": [-1], "points": 5}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "a", "type": "numeric", "bins": [{"upper": null, "points": 1}], "special": [{"values": [-1]}]}]}'::loan_risk.scorecard;

-- Categorical bins.
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "c", "type": "categorical", "bins": []}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "c", "type": "categorical", "bins": [{"values": [], "points": 1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "c", "type": "categorical", "bins": [{"upper": 3, "points": 1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "c", "type": "categorical", "bins": [{"values": ["a", "b"], "points": 1}, {"values": ["c", "a"], "points": 2}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "c", "type": "categorical", "bins": [{"values": [1.5], "points": 1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "c", "type": "categorical", "bins": [{"values": [null], "points": 1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "c", "type": "categorical", "bins": [{"values": ["1", 1], "points": 1}]}]}'::loan_risk.scorecard;
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [{"name": "c", "type": "categorical", "bins": [{"values": ["a"], "points": 1}], "special": [{"values": [1], "points": 0}]}]}'::loan_risk.scorecard;

-- A huge card: 2,000 features of 50 bins each parses, round-trips and is the expected size.
SELECT length(c::text) AS text_length,
       c::text::loan_risk.scorecard::text = c::text AS round_trip,
       (SELECT count(*) FROM loan_risk.scorecard_table(c)) AS bins
FROM (SELECT ('{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [' ||
       string_agg('{"name": "f' || f || '", "type": "numeric", "bins": [' ||
         (SELECT string_agg('{"upper": ' || b || ', "points": ' || b || '}', ', ')
            FROM generate_series(1, 49) b) ||
         ', {"upper": null, "points": 50}]}', ', ') || ']}')::loan_risk.scorecard AS c
      FROM generate_series(1, 2000) f) s;
