-- Audit and replay: a lender logs the strategy's version (its content hash),
-- the applicant row as jsonb and the decision; replay(strategy, input,
-- list_hits) gives the identical decision, field by field, for 10,000 logged
-- decisions, also after the lists have changed.
\set dec_n 10000
\set ECHO none
\i data/decision/fixture.sql
\set ECHO all

-- The lender keeps every version of its strategies, keyed by content hash ...
CREATE TABLE strategy_versions AS
SELECT (loan_risk.strategy_info(strategy)).content_hash AS hash, strategy FROM strategies;
-- ... and logs each decision with its input.
CREATE TABLE decision_log AS
SELECT a.applicant_id, d.strategy_hash, to_jsonb(a) AS input, d AS decision
FROM applicants a, strategies s, LATERAL loan_risk.decide_stable(s.strategy, a) d
WHERE s.name = 'online';

SELECT count(*) AS logged, count(DISTINCT (decision).outcome) AS outcomes,
       count(*) FILTER (WHERE cardinality((decision).list_hits) > 0) AS with_list_hits
FROM decision_log;

-- Replayed with the logged list hits: the identical decision, every field,
-- and the same text (numeric scales included).
SELECT count(*) AS replayed,
       count(*) FILTER (WHERE r IS DISTINCT FROM l.decision) AS differ,
       count(*) FILTER (WHERE r::text IS DISTINCT FROM l.decision::text) AS differ_as_text
FROM decision_log l JOIN strategy_versions v ON v.hash = l.strategy_hash,
     LATERAL loan_risk.replay(v.strategy, l.input, (l.decision).list_hits) r;

-- The lists change: a replay that looks them up again sees the new lists;
-- one given the logged hits does not.
DELETE FROM risk.blacklist WHERE id_key IN (SELECT id_key FROM risk.blacklist ORDER BY id_key LIMIT 20);
INSERT INTO risk.greylist SELECT loan_risk.normalize_mobile(mobile) FROM applicants WHERE applicant_id % 53 = 0
ON CONFLICT DO NOTHING;
SELECT count(*) FILTER (WHERE r1 IS DISTINCT FROM l.decision) > 0 AS looked_up_again_differs,
       count(*) FILTER (WHERE r2 IS DISTINCT FROM l.decision) AS with_logged_hits_differ
FROM decision_log l JOIN strategy_versions v ON v.hash = l.strategy_hash,
     LATERAL loan_risk.replay(v.strategy, l.input) r1,
     LATERAL loan_risk.replay(v.strategy, l.input, (l.decision).list_hits) r2;

-- A strategy without lists replays without list hits.
CREATE TABLE pure_log AS
SELECT a.applicant_id, to_jsonb(a) AS input, loan_risk.decide(s.strategy, a) AS decision
FROM applicants a, strategies s WHERE s.name = 'pure' AND a.applicant_id <= 2000;
SELECT count(*) AS replayed, count(*) FILTER (WHERE loan_risk.replay(s.strategy, l.input) IS DISTINCT FROM l.decision) AS differ
FROM pure_log l, strategies s WHERE s.name = 'pure';

-- The logged input is the row as to_jsonb writes it: numbers, strings,
-- booleans, non-finite floats as strings, and nested composites as objects.
CREATE TABLE odd (applicant_id int, x float8, n numeric, flag boolean, tag text, profile applicants);
INSERT INTO odd VALUES
  (1, 'NaN', 'NaN', true, 'a', NULL),
  (2, 'Infinity', 12.50, false, NULL, (SELECT a FROM applicants a WHERE applicant_id = 1)),
  (3, '-Infinity', -1e-20, NULL, 'c', (SELECT a FROM applicants a WHERE applicant_id = 2)),
  (4, 0.1 + 0.2, 123456789012.345678, true, '商户', NULL);
CREATE TABLE odd_strategy AS
SELECT '{"format": "loan_risk.strategy/1", "name": "odd", "version": "1", "key": "tag", "stages": {
  "knock_out": {"rules": [{"name": "KO_FLAG", "dimension": "applicant", "reason": "flag must be set", "column": "flag", "op": "=", "value": true, "if_null": "pass"},
                          {"name": "KO_TAG", "dimension": "applicant", "reason": "tag needed", "column": "tag", "op": "is not null"}]},
  "score": {"arms": [
    {"name": "a", "share": 0.5, "approve_at": 10, "decline_below": 0, "card": {"format": "loan_risk.scorecard/1", "base_points": 0,
      "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "features": [
      {"name": "x", "type": "numeric", "bins": [{"upper": 0, "points": -5}, {"upper": null, "points": 5}], "missing": {"points": 1}},
      {"name": "n", "type": "numeric", "bins": [{"upper": 1, "points": 2}, {"upper": null, "points": 7}], "missing": {"points": 3}},
      {"name": "profile.region", "type": "categorical", "bins": [{"values": ["zhejiang"], "points": 9}], "missing": {"points": 0}, "unseen": {"points": 4}},
      {"name": "profile.gmv_90d", "type": "numeric", "bins": [{"upper": 10000, "points": 1}, {"upper": null, "points": 6}], "missing": {"points": 0}}]}},
    {"name": "b", "share": 0.5, "approve_at": 12, "card": {"format": "loan_risk.scorecard/1", "base_points": 11,
      "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "features": []}}]}}}'::loan_risk.strategy AS s;
SELECT o.applicant_id, to_jsonb(o) - 'profile' AS input, d.outcome, d.reason_codes, d.score, d.arm,
       loan_risk.replay(s, to_jsonb(o)) = d AS replay_equal
FROM odd o, odd_strategy, LATERAL loan_risk.decide(s, o) d ORDER BY 1;

-- Errors: the input must be an object holding every column the strategy reads, of a readable kind.
SELECT loan_risk.replay(s, '[1, 2]') FROM odd_strategy;
SELECT loan_risk.replay(s, '{"x": 1, "n": 1, "flag": true, "tag": "a"}') FROM odd_strategy;
SELECT loan_risk.replay(s, '{"x": "one", "n": 1, "flag": true, "tag": "a", "profile": null}') FROM odd_strategy;
SELECT loan_risk.replay(s, '{"x": 1, "n": 1, "flag": "yes", "tag": "a", "profile": null}') FROM odd_strategy;
SELECT loan_risk.replay(s, '{"x": 1, "n": 1, "flag": true, "tag": "a", "profile": 5}') FROM odd_strategy;
SELECT loan_risk.replay(s.strategy, l.input, '{NO_SUCH_LIST}') FROM decision_log l, strategies s
WHERE s.name = 'online' AND l.applicant_id = 1;
SELECT loan_risk.replay(s.strategy, l.input, '{NULL}') FROM decision_log l, strategies s
WHERE s.name = 'online' AND l.applicant_id = 1;
-- NULL strategy or input: NULL; NULL list hits: looked up.
SELECT loan_risk.replay(NULL, '{}') IS NULL AS null_strategy, loan_risk.replay(s, NULL) IS NULL AS null_input
FROM odd_strategy;
