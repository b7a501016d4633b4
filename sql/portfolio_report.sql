-- loan_risk.validation_report: the validation report as one self-contained HTML page.

-- The demo's applicants and card (data/applicants.csv, data/demo_card.json).
CREATE TABLE applicants (
  id integer PRIMARY KEY, region text, industry text, months_active integer,
  gmv_90d numeric, refund_share numeric, repeat_payer_share numeric, night_share numeric,
  bad integer);
\copy applicants FROM 'data/applicants.csv' WITH (FORMAT csv, HEADER)
\set card_json `cat data/demo_card.json`
CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard NOT NULL);
INSERT INTO cards VALUES ('demo', :'card_json');

CREATE TABLE report AS
SELECT loan_risk.validation_report(card, 'SELECT *, id > 16000 AS recent FROM applicants', '{"recent": "recent"}') AS r
FROM cards WHERE name = 'demo';

-- A page of its own: doctype, charset, title; every section; four inline SVG charts; no script,
-- no external resource (links are in-page anchors only); the same bytes on every run.
SELECT length(r) > 20000 AS sizeable, r LIKE E'<!DOCTYPE html>\n<html lang="en">%' AS doctype,
       r LIKE '%<meta charset="utf-8">%' AS charset, substring(r FROM '<title>([^<]*)</title>') AS title,
       r LIKE E'%</html>\n' AS closed
FROM report;
SELECT s AS section, position('<section id="' || s || '">' IN r) > 0 AS present
FROM report, unnest(ARRAY['summary', 'discrimination', 'distribution', 'calibration', 'gains', 'scorecard',
                          'stability', 'training']) s;
SELECT regexp_count(r, '<svg ') AS svg_charts, regexp_count(r, '</svg>') AS closed_charts,
       regexp_count(r, '<polyline ') AS curves, regexp_count(r, '<rect class="b-') > 20 AS histogram_bars,
       regexp_count(r, '<circle class="pt"') AS calibration_points,
       regexp_count(r, '<figure id="(roc|ks)">') AS roc_and_ks
FROM report;
SELECT r !~* '<script|javascript:|<iframe|<object|<embed|<img|<link|@import|url\(|src=' AS no_script_or_resource,
       r !~* 'https?://' AS no_url, regexp_count(r, 'href="[^#]') AS outside_links
FROM report;
SELECT r = (SELECT loan_risk.validation_report(card, 'SELECT *, id > 16000 AS recent FROM applicants', '{"recent": "recent"}')
            FROM cards WHERE name = 'demo') AS deterministic
FROM report;

-- Every figure is the extension's: the headline figures against the aggregates on the same rows.
CREATE TABLE scored AS
SELECT a.*, loan_risk.score(c.card, a) AS score, loan_risk.pd(c.card, a) AS pd
FROM applicants a, cards c WHERE c.name = 'demo';
CREATE FUNCTION kpi(r text, id text) RETURNS text LANGUAGE sql AS
  $$SELECT replace(substring(r FROM 'id="kpi-' || id || '"><div class="k">[^<]*</div><div class="v">([^<]*)<'), '&#8201;', '')$$;
SELECT kpi(r, 'rows') = '20000' AS rows_ok,
       kpi(r, 'bads') = (SELECT sum(bad)::text FROM applicants) AS bads_ok,
       kpi(r, 'auc') = (SELECT to_char(loan_risk.auc(pd, bad), 'FM0.0000') FROM scored) AS auc_ok,
       kpi(r, 'gini') = (SELECT to_char(loan_risk.gini(pd, bad), 'FM0.0000') FROM scored) AS gini_ok,
       kpi(r, 'ks') = (SELECT to_char(loan_risk.ks(pd, bad), 'FM0.0000') FROM scored) AS ks_ok,
       kpi(r, 'brier') = (SELECT to_char(loan_risk.brier(pd, bad), 'FM0.0000') FROM scored) AS brier_ok,
       kpi(r, 'hl') = (SELECT CASE WHEN p < 0.00005 THEN '&lt;0.0001' ELSE to_char(p, 'FM0.0000') END
                       FROM (SELECT (loan_risk.hosmer_lemeshow(pd, bad, 10)).p_value AS p FROM scored) h) AS hl_ok,
       kpi(r, 'psi') = (SELECT to_char(loan_risk.psi(score, id > 16000, 10), 'FM0.0000') FROM scored) AS psi_ok,
       kpi(r, 'mean-pd') = (SELECT to_char(100 * avg(pd), 'FM90.00') || '%' FROM scored) AS mean_pd_ok,
       kpi(r, 'bad-rate') = (SELECT to_char(100 * avg(bad), 'FM90.00') || '%' FROM scored) AS bad_rate_ok
FROM report;
SELECT kpi(r, 'auc') AS auc, kpi(r, 'ks') AS ks, kpi(r, 'psi') AS psi, kpi(r, 'hl') AS hl_p FROM report;
-- the gains and calibration tables, row by row, against gains_table and calibration_table
SELECT (SELECT array_agg(m[1] || '|' || m[2] ORDER BY ord)
        FROM regexp_matches(substring(r FROM '<section id="gains">.*?</section>'),
                            '<tr><td>([0-9]+)</td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>([0-9&#;]+)</td>', 'g')
             WITH ORDINALITY AS t(m, ord))
     = (SELECT array_agg(bucket || '|' || replace(to_char(bads, 'FM9,999'), ',', '&#8201;') ORDER BY bucket)
        FROM unnest((SELECT loan_risk.gains_table(pd, bad, 10) FROM scored))) AS gains_bads_ok,
       (SELECT array_agg(m[1] || '|' || m[2] ORDER BY ord)
        FROM regexp_matches(substring(r FROM '<section id="calibration">.*?</section>'),
                            '<tr><td>([0-9]+)</td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>([0-9.]+)</td>', 'g')
             WITH ORDINALITY AS t(m, ord))
     = (SELECT array_agg(bucket || '|' || to_char(expected, 'FM999990.0') ORDER BY bucket)
        FROM unnest((SELECT loan_risk.calibration_table(pd, bad, 10) FROM scored))) AS calibration_expected_ok
FROM report;
-- CSI and IV of each feature over the card's bins, against csi() and iv() over score_detail's bins
WITH ref AS (
  SELECT d.feature, loan_risk.csi(d.bin, s.id > 16000) AS csi, loan_risk.iv(d.bin, s.bad) AS iv
  FROM applicants s, cards c, loan_risk.score_detail(c.card, s) d WHERE c.name = 'demo' GROUP BY d.feature)
SELECT ref.feature, x.m[1] AS iv, x.m[2] AS csi, x.m[1] = to_char(ref.iv, 'FM0.0000') AS iv_ok,
       x.m[2] = to_char(ref.csi, 'FM0.0000') AS csi_ok,
       (regexp_match(r, '<tr><td class="l">' || ref.feature || '</td><td>([0-9.]+)</td>'))[1]
         = to_char(ref.csi, 'FM0.0000') AS stability_table_ok
FROM report, ref,
     LATERAL (SELECT regexp_match(r, '<h3 id="feature-[0-9]+">' || ref.feature ||
                                     ' <small>[^<]*</small></h3>\n<p class="note">[^<]*IV on this data ([0-9]+\.[0-9]+); CSI ([0-9]+\.[0-9]+)') AS m) x
ORDER BY 1;

-- Options: a title, 5 groups, a boolean outcome, CSI for two features only, a score column and a PD column.
CREATE TABLE r2 AS
SELECT loan_risk.validation_report(card,
  'SELECT *, bad = 1 AS defaulted, id % 2 = 0 AS recent FROM applicants WHERE id <= 5000',
  '{"title": "Q3 monitoring", "groups": 5, "outcome": "defaulted", "recent": "recent",
    "csi_features": ["region", "gmv_90d"], "score_bins": 10}') AS r
FROM cards WHERE name = 'demo';
SELECT substring(r FROM '<title>([^<]*)</title>') AS title, regexp_count(substring(r FROM '<section id="calibration">.*?</section>'), '<tr><td>') AS groups,
       regexp_count(substring(r FROM '<section id="stability">.*?</section>'), '<tr><td class="l">') AS csi_rows,
       kpi(r, 'rows') AS rows, kpi(r, 'auc') = (SELECT to_char(loan_risk.auc(pd, bad), 'FM0.0000') FROM scored WHERE id <= 5000) AS auc_ok
FROM r2;
SELECT kpi(loan_risk.validation_report(card, 'SELECT *, -score AS points, 0.05 AS flat_pd FROM scored',
                                       '{"score": "points", "pd": "flat_pd"}'), 'auc') AS auc_of_a_flat_pd,
       kpi(loan_risk.validation_report(card, 'SELECT *, -score AS points, 0.05 AS flat_pd FROM scored',
                                       '{"score": "points", "pd": "flat_pd"}'), 'mean-pd') AS mean_pd
FROM cards WHERE name = 'demo';
-- a score column alone: the PD comes from it with the card's scaling (the same report as scoring with the card)
SELECT regexp_replace(replace(loan_risk.validation_report(card, 'SELECT * FROM scored WHERE id <= 3000', '{"score": "score"}'),
                              '>Score<', '>Score (points of the card)<'), '<footer>.*</footer>', '')
     = regexp_replace(loan_risk.validation_report(card, 'SELECT * FROM scored WHERE id <= 3000'), '<footer>.*</footer>', '')
       AS same_figures
FROM cards WHERE name = 'demo';
-- rows without an outcome count in Rows only
SELECT kpi(r, 'rows') AS rows, kpi(r, 'scored') AS with_outcome
FROM (SELECT loan_risk.validation_report(card, 'SELECT *, CASE WHEN id % 4 = 0 THEN NULL ELSE bad END AS y FROM applicants',
                                         '{"outcome": "y"}') AS r
      FROM cards WHERE name = 'demo') x;
-- no rows at all: the page still renders, with dashes
SELECT kpi(r, 'rows') AS rows, kpi(r, 'auc') AS auc, regexp_count(r, '<svg ') AS charts,
       r LIKE '%No baseline and recent period%' AS no_stability
FROM (SELECT loan_risk.validation_report(card, 'SELECT * FROM applicants WHERE false') AS r FROM cards WHERE name = 'demo') x;

-- User text is escaped: card, feature and bin names, the title, the card's free-form statistics.
CREATE TABLE odd ("a""b<i>" numeric, bad boolean);
INSERT INTO odd SELECT i, i % 3 = 0 FROM generate_series(1, 300) i;
SELECT regexp_replace(
         substring(r FROM '<header>.*?</header>') || substring(r FROM '<h3 id="feature-1">.*?</table>'),
         '<(style|nav)>.*?</(style|nav)>', '', 'g') AS escaped,
       r !~ '<script' AS no_script, r !~ '<i>' AS no_injected_tag
FROM (SELECT loan_risk.validation_report(
  '{"format": "loan_risk.scorecard/1", "name": "<script>alert(1)</script>", "description": "R&D \"beta\" <card>",
    "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "base_points": 500,
    "features": [{"name": "a\"b<i>", "type": "numeric",
                  "bins": [{"upper": 100, "points": 0}, {"upper": null, "points": 10, "label": "</td><script>x</script>"}]}]}',
  'SELECT * FROM odd', '{"title": "Q&A <b>\"x\"</b>"}') AS r) x;

-- The training statistics a trained card carries (keys of CARD_STATS_SCHEMA), rendered when present.
SELECT substring(r FROM '<section id="training">.*?</section>') AS training,
       substring(r FROM '<h3 id="feature-1">.*?</p>') AS first_feature
FROM (SELECT loan_risk.validation_report(
  (jsonb_set(:'card_json'::jsonb, '{features,0}', (:'card_json'::jsonb -> 'features' -> 0) ||
     '{"coefficient": -0.61, "iv": 0.27, "binning": {"trend": "descending", "requested_trend": "auto", "prebins": 20, "method": "optimal"}}')
   || '{"statistics": {"rows": 16000, "bads": 2093, "log_likelihood": -5400.25, "null_log_likelihood": -6190.5,
                       "aic": 10830.5, "bic": 10915.2, "iterations": 6, "converged": true, "condition_number": 12.5,
                       "auc": 0.7301, "ks": 0.3391, "gini": 0.4602,
                       "coefficients": {"(intercept)": {"estimate": -1.9, "std_error": 0.03, "z": -63.3, "p_value": 0},
                                        "months_active": {"estimate": -0.61, "std_error": 0.05, "z": -12.2, "p_value": 2.9e-34}}},
        "training": {"source": "SELECT * FROM applicants WHERE id <= 16000", "target": "bad", "fingerprint": "9f<3a",
                     "options": {"max_bins": 6}, "features_considered": ["months_active", "gmv_90d", "night_share"],
                     "features_dropped": [{"name": "night_share", "reason": "IV 0.019 below 0.02"}],
                     "loan_risk_version": "0.1.0"}}')::loan_risk.scorecard,
  'SELECT * FROM applicants WHERE id <= 2000') AS r) x;
-- a hand-written card has none
SELECT substring(r FROM '<section id="training">.*?</section>') AS training FROM report;

-- Errors
SELECT loan_risk.validation_report(card, 'SELECT * FROM applicants', '{"outcome": "default_flag"}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT *, region AS y FROM applicants', '{"outcome": "y"}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT *, bad + 1 AS y FROM applicants', '{"outcome": "y"}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT *, bad::numeric AS y FROM applicants', '{"outcome": "y"}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT *, 1 AS r FROM applicants', '{"recent": "r"}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT *, 1.5 AS p FROM applicants', '{"pd": "p"}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT *, ''x''::text AS s FROM applicants', '{"score": "s"}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT id, bad FROM applicants') FROM cards;
SELECT loan_risk.validation_report(card, 'UPDATE applicants SET bad = 0') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT * FROM applicants', '{"csi_features": ["region", "age"]}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT * FROM applicants', '{"csi_features": "region"}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT * FROM applicants', '{"groups": 1}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT * FROM applicants', '{"title": ""}') FROM cards;
SELECT loan_risk.validation_report(card, 'SELECT * FROM applicants', '{"colour": "blue"}') FROM cards;
SELECT loan_risk.validation_report(
  '{"format": "loan_risk.scorecard/1", "name": "no_scaling", "base_points": 0,
    "features": [{"name": "months_active", "type": "numeric", "bins": [{"upper": null, "points": 1}]}]}',
  'SELECT * FROM applicants');
-- NULL arguments give NULL
SELECT loan_risk.validation_report(card, NULL) IS NULL AS null_query FROM cards;
