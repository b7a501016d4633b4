-- compare_strategies: the swap set of a champion and a challenger strategy
-- over the applicants of a table or query, with the observed bad rate; and
-- compare_arms: per-arm figures of logged champion/challenger decisions.
-- Both checked against the same figures in plain SQL over decide_stable.
\set dec_n 3000
\set ECHO none
\i data/decision/fixture.sql
\set ECHO all

-- The applicants' observed outcomes, and a challenger strategy: the next
-- card in the champion arm with its own cut-offs, and a lower price cap.
CREATE TABLE history AS SELECT a.*, (hashint4(applicant_id * 31) & 15) < 2 AS bad FROM applicants a;
CREATE TABLE challengers AS
SELECT jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(strategy::jsonb,
         '{stages,score,arms,0,card}', (SELECT card::jsonb FROM cards WHERE name = 'next_gen')),
         '{stages,score,arms,0,approve_at}', '615'), '{stages,score,arms,0,decline_below}', '575'),
         '{stages,price,policy,apr_cap}', '0.15'), '{version}', '"2024.07"')::loan_risk.strategy AS s
FROM strategies WHERE name = 'online';

SELECT c.* FROM strategies ch, challengers cl,
       LATERAL loan_risk.compare_strategies(ch.strategy, cl.s, 'history', 'bad') c
WHERE ch.name = 'online';

-- The same figures in plain SQL.
WITH d AS (
  SELECT h.bad, c AS dc, x AS dx
  FROM history h, strategies ch, challengers cl,
       LATERAL loan_risk.decide_stable(ch.strategy, h) c, LATERAL loan_risk.decide_stable(cl.s, h) x
  WHERE ch.name = 'online'),
seg AS (
  SELECT CASE WHEN (dc).outcome = 'approve' AND (dx).outcome = 'approve' THEN 'approved_by_both'
              WHEN (dc).outcome = 'approve' THEN 'champion_only'
              WHEN (dx).outcome = 'approve' THEN 'challenger_only'
              ELSE 'approved_by_neither' END AS segment, * FROM d)
SELECT s.segment, s.applicants, s.share, s.champion_mean_pd, s.challenger_mean_pd,
       s.champion_total_limit, s.challenger_total_limit, s.bads, s.bad_rate,
       (s.applicants, s.champion_total_limit, s.challenger_total_limit, s.bads) =
       (r.applicants, r.champion_total_limit, r.challenger_total_limit, r.bads) AS exact_figures_equal,
       abs(s.share - r.share) < 1e-12 AND abs(s.champion_mean_pd - r.champion_mean_pd) < 1e-12
         AND abs(s.challenger_mean_pd - r.challenger_mean_pd) < 1e-12 AND abs(s.bad_rate - r.bad_rate) < 1e-12
         AS means_equal
FROM strategies ch, challengers cl, LATERAL loan_risk.compare_strategies(ch.strategy, cl.s, 'history', 'bad') s
JOIN (SELECT segment, count(*) AS applicants, count(*) / 3000.0 AS share,
             avg((dc).pd) AS champion_mean_pd, avg((dx).pd) AS challenger_mean_pd,
             coalesce(sum((dc).limit_amount) FILTER (WHERE (dc).outcome = 'approve'), 0) AS champion_total_limit,
             coalesce(sum((dx).limit_amount) FILTER (WHERE (dx).outcome = 'approve'), 0) AS challenger_total_limit,
             count(*) FILTER (WHERE bad) AS bads, avg(bad::int) AS bad_rate
      FROM seg GROUP BY segment) r USING (segment)
WHERE ch.name = 'online' ORDER BY 1;

-- Without an outcome column: no bad rate.  A query as the source, with a 0/1 outcome.
SELECT segment, applicants, bads, bad_rate FROM strategies ch, challengers cl,
       LATERAL loan_risk.compare_strategies(ch.strategy, cl.s, 'SELECT * FROM history WHERE applicant_id <= 500') c
WHERE ch.name = 'online';
SELECT segment, applicants, bads FROM strategies ch, challengers cl,
       LATERAL loan_risk.compare_strategies(ch.strategy, cl.s,
         'SELECT *, bad::int AS bad01 FROM history WHERE applicant_id <= 500', 'bad01') c
WHERE ch.name = 'online';
-- A strategy compared with itself: everyone on the diagonal.
SELECT segment, applicants FROM strategies ch,
       LATERAL loan_risk.compare_strategies(ch.strategy, ch.strategy, 'history') c
WHERE ch.name = 'pure';
-- An empty source.
SELECT segment, applicants, share, champion_mean_pd, champion_total_limit, bad_rate FROM strategies ch,
       LATERAL loan_risk.compare_strategies(ch.strategy, ch.strategy, 'SELECT * FROM history WHERE false', 'bad') c
WHERE ch.name = 'pure';

-- Per-arm figures of the logged decisions.
CREATE TABLE decision_log AS
SELECT h.applicant_id, h.bad, d AS decision
FROM history h, strategies s, LATERAL loan_risk.decide_stable(s.strategy, h) d WHERE s.name = 'online';
SELECT * FROM loan_risk.compare_arms('SELECT (decision).*, bad FROM decision_log', 'bad');
SELECT (decision).arm, count(*) AS decisions, count(*) FILTER (WHERE (decision).outcome = 'approve') AS approved,
       count(*) FILTER (WHERE (decision).outcome = 'refer') AS referred,
       count(*) FILTER (WHERE (decision).outcome = 'decline') AS declined,
       coalesce(sum((decision).limit_amount), 0) AS total_limit, count(*) FILTER (WHERE bad) AS bads
FROM decision_log GROUP BY 1 ORDER BY 1 NULLS LAST;
SELECT c.arm, abs(c.mean_pd - r.mean_pd) < 1e-12 AS mean_pd_equal, abs(c.bad_rate - r.bad_rate) < 1e-12 AS bad_rate_equal
FROM loan_risk.compare_arms('SELECT (decision).*, bad FROM decision_log', 'bad') c
JOIN (SELECT (decision).arm, avg((decision).pd) AS mean_pd, avg(bad::int) AS bad_rate FROM decision_log GROUP BY 1) r
  ON r.arm IS NOT DISTINCT FROM c.arm
ORDER BY 1 NULLS LAST;

-- Errors.
SELECT * FROM strategies ch, loan_risk.compare_strategies(ch.strategy, ch.strategy, 'history', 'no_such') WHERE ch.name = 'pure';
SELECT * FROM strategies ch, loan_risk.compare_strategies(ch.strategy, ch.strategy, 'SELECT *, 2 AS b FROM history', 'b') WHERE ch.name = 'pure';
SELECT * FROM strategies ch, loan_risk.compare_strategies(ch.strategy, ch.strategy, 'SELECT *, region AS b FROM history', 'b') WHERE ch.name = 'pure';
SELECT * FROM strategies ch, loan_risk.compare_strategies(ch.strategy, ch.strategy, 'SELECT applicant_id FROM history') WHERE ch.name = 'pure';
SELECT * FROM strategies ch, loan_risk.compare_strategies(ch.strategy, ch.strategy, 'no_such_table') WHERE ch.name = 'pure';
SELECT * FROM strategies ch, loan_risk.compare_strategies(ch.strategy, ch.strategy,
  'WITH gone AS (DELETE FROM history RETURNING *) SELECT * FROM gone') WHERE ch.name = 'pure';
SELECT * FROM loan_risk.compare_arms('SELECT applicant_id FROM decision_log');
-- NULL arguments: STRICT, no rows.
SELECT count(*) FROM loan_risk.compare_strategies(NULL, NULL, 'history');
SELECT count(*) FROM loan_risk.compare_arms(NULL);
