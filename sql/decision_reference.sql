-- decide against the same steps written by hand in PL/pgSQL from the
-- extension's existing functions (data/decision/reference.sql: explain_match
-- for the knock-outs, check_* and normalize_* and a query per list, anomaly_score,
-- score and pd, credit_limit, price_loan, repayment_schedule, schedule_apr,
-- match_products), field by field, for 10,000 generated applicants.
\set dec_n 10000
\set ECHO none
\i data/decision/fixture.sql
\i data/decision/reference.sql
\set ECHO all

CREATE TABLE both_ways AS
WITH x AS MATERIALIZED (SELECT strategy, dec_ref_models(strategy) AS m FROM strategies WHERE name = 'online')
SELECT a.applicant_id, d, r
FROM applicants a, x,
     LATERAL loan_risk.decide_stable(x.strategy, a) d,
     LATERAL dec_reference(x.m, a) r;

-- Every field, every applicant.
SELECT count(*) AS applicants,
       count(*) FILTER (WHERE (d).outcome IS DISTINCT FROM (r).outcome) AS outcome,
       count(*) FILTER (WHERE (d).stage IS DISTINCT FROM (r).stage) AS stage,
       count(*) FILTER (WHERE (d).reason_codes IS DISTINCT FROM (r).reason_codes) AS reason_codes,
       count(*) FILTER (WHERE (d).reasons IS DISTINCT FROM (r).reasons) AS reasons,
       count(*) FILTER (WHERE (d).score IS DISTINCT FROM (r).score) AS score,
       count(*) FILTER (WHERE (d).pd IS DISTINCT FROM (r).pd) AS pd,
       count(*) FILTER (WHERE (d).arm IS DISTINCT FROM (r).arm) AS arm,
       count(*) FILTER (WHERE (d).anomaly_score IS DISTINCT FROM (r).anomaly_score) AS anomaly
FROM both_ways;
SELECT count(*) FILTER (WHERE (d).limit_amount::text IS DISTINCT FROM (r).limit_amount::text) AS limit_amount,
       count(*) FILTER (WHERE (d).amount::text IS DISTINCT FROM (r).amount::text) AS amount,
       count(*) FILTER (WHERE (d).term_months IS DISTINCT FROM (r).term_months) AS term,
       count(*) FILTER (WHERE (d).annual_rate::text IS DISTINCT FROM (r).annual_rate::text) AS rate,
       count(*) FILTER (WHERE (d).first_payment::text IS DISTINCT FROM (r).first_payment::text) AS first_payment,
       count(*) FILTER (WHERE (d).apr::text IS DISTINCT FROM (r).apr::text) AS apr,
       count(*) FILTER (WHERE (d).effective_apr::text IS DISTINCT FROM (r).effective_apr::text) AS effective_apr,
       count(*) FILTER (WHERE (d).offers::text IS DISTINCT FROM (r).offers::text) AS offers,
       count(*) FILTER (WHERE (d).shadows::text IS DISTINCT FROM (r).shadows::text) AS shadows,
       count(*) FILTER (WHERE (d).list_hits IS DISTINCT FROM (r).list_hits) AS list_hits,
       count(*) FILTER (WHERE ((d).strategy_name, (d).strategy_version, (d).strategy_hash)
                              IS DISTINCT FROM ((r).strategy_name, (r).strategy_version, (r).strategy_hash)) AS strategy
FROM both_ways;
-- The whole composite at once, and as text.
SELECT count(*) FILTER (WHERE d IS DISTINCT FROM r) AS rows_differ,
       count(*) FILTER (WHERE d::text IS DISTINCT FROM r::text) AS texts_differ
FROM both_ways;
-- The comparison covers every path: outcomes, stages and reason codes.
SELECT (d).outcome, (d).stage, count(*) FROM both_ways GROUP BY 1, 2 ORDER BY 1, 2;
SELECT code, count(*) FROM both_ways, unnest((d).reason_codes) code GROUP BY 1 ORDER BY 1;
SELECT count(*) FILTER (WHERE cardinality((d).offers) > 0) AS with_offers,
       count(*) FILTER (WHERE cardinality((d).list_hits) > 0) AS with_list_hits,
       count(*) FILTER (WHERE (d).arm = 'challenger') AS challenger_arm,
       count(*) FILTER (WHERE (d).amount < (d).limit_amount) AS asked_for_less
FROM both_ways;

-- A price cap that declines some applicants, and no lists (decide, IMMUTABLE).
CREATE TABLE capped AS
WITH x AS MATERIALIZED (
  SELECT s, dec_ref_models(s) AS m
  FROM (SELECT jsonb_set(jsonb_set(strategy::jsonb, '{stages,price,policy,apr_cap}', '0.108'),
                         '{name}', '"capped"')::loan_risk.strategy AS s
        FROM strategies WHERE name = 'pure') c)
SELECT a.applicant_id, d, r
FROM applicants a, x, LATERAL loan_risk.decide(x.s, a) d, LATERAL dec_reference(x.m, a) r
WHERE a.applicant_id <= 3000;
SELECT count(*) AS applicants, count(*) FILTER (WHERE d::text IS DISTINCT FROM r::text) AS differ,
       count(*) FILTER (WHERE 'PRICE_DECLINE' = ANY ((d).reason_codes)) AS price_declined
FROM capped;
