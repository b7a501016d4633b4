-- The main job of the demo, run by `make demo` in a database of its own:
-- load sample applicants, score them with a sample scorecard, and show the
-- score distribution and the top reason codes; train, validate, monitor a
-- book; and decide: transactions -> merchant features -> decision -> offers.
\set QUIET on
\pset footer off
CREATE EXTENSION loan_risk;

CREATE TABLE applicants (
  id integer PRIMARY KEY, region text, industry text, months_active integer,
  gmv_90d numeric, refund_share numeric, repeat_payer_share numeric, night_share numeric,
  bad integer);
\copy applicants FROM 'applicants.csv' WITH (FORMAT csv, HEADER)

-- Models are values: keep them in a table of your own and version them.
CREATE TABLE scorecards (name text PRIMARY KEY, card loan_risk.scorecard NOT NULL);
\set card_json `cat demo_card.json`
INSERT INTO scorecards VALUES ('smb_demo', :'card_json');

-- Score everyone once; the card is compiled once per query, not per row.
CREATE TABLE scored AS
SELECT a.id, a.bad,
       loan_risk.score(s.card, a) AS score,
       loan_risk.pd(s.card, a) AS pd,
       loan_risk.reasons(s.card, a, 3) AS reasons
FROM applicants a, scorecards s WHERE s.name = 'smb_demo';
\set QUIET off

\echo
\echo '== 20,000 sample applicants scored with scorecard smb_demo'
SELECT count(*) AS applicants, round(avg(score)::numeric, 1) AS mean_score,
       min(score) AS min_score, max(score) AS max_score,
       round(avg(pd)::numeric, 4) AS mean_pd, round(avg(bad), 4) AS observed_bad_rate
FROM scored;

\echo '== score distribution: predicted PD against the observed bad rate per band'
SELECT band, applicants, round(100.0 * applicants / sum(applicants) OVER (), 1) AS pct,
       repeat('#', (60.0 * applicants / max(applicants) OVER ())::int) AS histogram,
       mean_pd, observed_bad_rate
FROM (SELECT CASE WHEN score < 500 THEN '   < 500'
                  WHEN score >= 640 THEN '  >= 640'
                  ELSE format('%s-%s', (floor(score / 20) * 20)::int, (floor(score / 20) * 20 + 19)::int) END AS band,
             min(score) AS lo, count(*) AS applicants, round(avg(pd)::numeric, 4) AS mean_pd,
             round(avg(bad), 4) AS observed_bad_rate
      FROM scored GROUP BY 1) b
ORDER BY lo;

\echo '== top reason codes of the applicants a 10% PD cut-off would decline'
SELECT r.reason, count(*) AS declined_applicants_citing_it,
       round(100.0 * count(*) / (SELECT count(*) FROM scored WHERE pd > 0.10), 1) AS pct_of_declines
FROM scored, unnest(reasons) AS r(reason)
WHERE pd > 0.10
GROUP BY r.reason ORDER BY 2 DESC, 1;

\echo '== one declined applicant, feature by feature'
SELECT d.feature, d.value, d.bin, d.points, d.max_points
FROM applicants a, scorecards s, loan_risk.score_detail(s.card, a) d
WHERE s.name = 'smb_demo' AND a.id = (SELECT min(id) FROM scored WHERE pd > 0.2);

\echo '== training a scorecard in the database on 70% of the applicants (ids <= 14000)'
\set QUIET on
SET client_min_messages = warning;
INSERT INTO scorecards
SELECT 'smb_trained', loan_risk.train_scorecard(
  'SELECT * FROM applicants WHERE id <= 14000', 'bad',
  '{region,industry,months_active,gmv_90d,refund_share,repeat_payer_share,night_share}',
  '{"name": "smb_trained",
    "features": {"gmv_90d": {"special_values": [-1]}},
    "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50, "round_points": true}}');
RESET client_min_messages;
\set QUIET off
SELECT f->>'name' AS feature, round((f->>'iv')::numeric, 3) AS iv, round((f->>'coefficient')::numeric, 3) AS coefficient,
       jsonb_array_length(f->'bins') AS bins, f->'binning'->>'trend' AS trend
FROM scorecards, jsonb_array_elements(card::jsonb->'features') f WHERE name = 'smb_trained';

\echo '== hand-written against trained card on the 6,000 held-out applicants (ids > 14000)'
SELECT s.name AS card, round(loan_risk.auc(loan_risk.pd(s.card, a), a.bad)::numeric, 4) AS auc,
       round(loan_risk.ks(loan_risk.pd(s.card, a), a.bad)::numeric, 4) AS ks,
       round(loan_risk.brier(loan_risk.pd(s.card, a), a.bad)::numeric, 4) AS brier
FROM applicants a, scorecards s WHERE a.id > 14000 GROUP BY s.name ORDER BY s.name;

\echo '== validation report of smb_trained on the held-out applicants (ids > 17000 as the recent period)'
\set QUIET on
\pset format unaligned
\pset tuples_only on
\o validation_report.html
SELECT loan_risk.validation_report(card, 'SELECT *, id > 17000 AS recent FROM applicants WHERE id > 14000',
         '{"recent": "recent", "title": "Validation report: smb_trained on the held-out applicants"}')
FROM scorecards WHERE name = 'smb_trained';
\o
\pset tuples_only off
\pset format aligned
\set QUIET off
\echo 'written to validation_report.html'

\echo '== the sample loan book: quarterly NPL ratio of the whole book'
\set QUIET on
\i gen_book.sql
\set QUIET off
SELECT period, sum(loans) AS open_loans, sum(balance) AS balance, round(100 * sum(npl_balance) / sum(balance), 2) AS npl_pct,
       sum(entered_npl_loans) AS entered_npl, sum(written_off_loans) AS written_off
FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance', '{"period": "quarter"}')
GROUP BY period ORDER BY period;

\echo
\echo '== decisions: a strategy over the merchants'' own payments, lists, a scorecard, limit, price and offers'
\i decision_demo.sql
