-- decide, decide_stable and decide_detail: every stage in its order, every
-- outcome with its reason codes, NULL and missing-column semantics, nested
-- profile inputs, lists looked up with the caller's rights, and the volatility
-- of each form.
\set dec_n 300
\set ECHO none
\i data/decision/fixture.sql
\set ECHO all

-- Hand-made applicants, one per path through the stages (the strategy
-- "online" of data/decision/fixture.sql: knock-outs, identity checks and
-- lists, anomaly, champion/challenger scorecards, limit, price, offers).
CREATE TABLE cases (LIKE applicants, note text);
INSERT INTO cases
SELECT id, region, industry, months, gmv, refund, repeat, night, revenue, debt, req_amount, req_term,
       CASE owner WHEN 'valid' THEN dec_resident_id(id) WHEN 'black' THEN (SELECT dec_resident_id(83))
                  WHEN 'bad' THEN '330106198001010010' ELSE NULL END,
       CASE mobile WHEN 'grey' THEN (SELECT mobile FROM applicants WHERE applicant_id = 59)
                   WHEN 'white' THEN (SELECT mobile FROM applicants WHERE applicant_id = 118)
                   ELSE '13900000' || lpad(id::text, 3, '0') END,
       tax, note
FROM (VALUES
  (1, 'zhejiang', 'ecommerce', 60, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'valid', '', true, 'approve'),
  (2, 'north', 'retail', 3, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'valid', '', true, 'two knock-outs'),
  (3, 'zhejiang', 'retail', NULL, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'valid', '', true, 'knock-out on a missing value'),
  (4, 'zhejiang', 'retail', 60, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'bad', '', true, 'invalid identity number'),
  (5, 'zhejiang', 'retail', 60, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'none', '', true, 'missing identity number'),
  (6, 'zhejiang', 'retail', 60, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'black', '', true, 'blacklisted owner'),
  (7, 'zhejiang', 'retail', 60, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'valid', 'grey', true, 'greylisted mobile: referred'),
  (8, 'zhejiang', 'retail', 60, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'black', 'white', true, 'whitelisted: exempt from the blacklist'),
  (9, 'zhejiang', 'retail', 60, 900000.00, 0.6, 0.5, 0.9, 20000.00, 0.00, NULL, NULL, 'valid', '', true, 'anomalous: declined'),
  (10, 'zhejiang', 'retail', 60, 500000.00, 0.29, 0.5, 0.05, 20000.00, 0.00, NULL, NULL, 'valid', '', true, 'anomalous: referred'),
  (11, 'west', 'food_stall', 7, 900.00, 0.2, 0.05, 0.4, 20000.00, 0.00, NULL, NULL, 'valid', '', false, 'low score: declined'),
  (12, 'guangdong', 'retail', 30, 5000.00, 0.05, 0.2, 0.2, 20000.00, 0.00, NULL, NULL, 'valid', '', true, 'score in the refer band'),
  (13, 'zhejiang', 'ecommerce', 60, 50000.00, 0.01, 0.5, 0.05, 300.00, 0.00, NULL, NULL, 'valid', '', true, 'revenue too small for a limit'),
  (14, 'zhejiang', 'ecommerce', 60, 50000.00, 0.01, 0.5, 0.05, NULL, 0.00, NULL, NULL, 'valid', '', true, 'revenue missing'),
  (15, 'zhejiang', 'ecommerce', 60, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, 5000.00, 24, 'valid', '', true, 'asks for less than the limit, 24 months'),
  (16, 'zhejiang', 'ecommerce', 60, 50000.00, 0.01, 0.5, 0.05, 20000.00, 0.00, 99000.00, 6, 'valid', '', true, 'asks for more than the limit')
) v(id, region, industry, months, gmv, refund, repeat, night, revenue, debt, req_amount, req_term, owner, mobile, tax, note);

SELECT c.applicant_id AS id, c.note, d.outcome, d.stage, d.reason_codes, d.arm, d.list_hits
FROM cases c, strategies s, LATERAL loan_risk.decide_stable(s.strategy, c) d
WHERE s.name = 'online' ORDER BY c.applicant_id;

SELECT c.applicant_id AS id, d.reasons
FROM cases c, strategies s, LATERAL loan_risk.decide_stable(s.strategy, c) d
WHERE s.name = 'online' ORDER BY c.applicant_id;

SELECT c.applicant_id AS id, d.score, round(d.pd::numeric, 6) AS pd, round(d.anomaly_score::numeric, 4) AS anomaly,
       d.limit_amount, d.amount, d.term_months, d.annual_rate, d.first_payment, d.apr, d.effective_apr
FROM cases c, strategies s, LATERAL loan_risk.decide_stable(s.strategy, c) d
WHERE s.name = 'online' ORDER BY c.applicant_id;

-- Offers and shadows of the approved applicant.
SELECT o.* FROM cases c, strategies s, LATERAL loan_risk.decide_stable(s.strategy, c) d, unnest(d.offers) o
WHERE s.name = 'online' AND c.applicant_id = 1;
SELECT c.applicant_id AS id, sh.* FROM cases c, strategies s, LATERAL loan_risk.decide_stable(s.strategy, c) d,
       unnest(d.shadows) sh
WHERE s.name = 'online' AND c.applicant_id IN (1, 2, 12) ORDER BY 1;
SELECT d.strategy_name, d.strategy_version, d.strategy_hash = (loan_risk.strategy_info(s.strategy)).content_hash AS hash
FROM cases c, strategies s, LATERAL loan_risk.decide_stable(s.strategy, c) d
WHERE s.name = 'online' AND c.applicant_id = 1;

-- decide_detail: every stage, what it saw, what it concluded, why.
SELECT d.step, d.stage, d.evaluated, d.result, d.reason_codes, jsonb_pretty(d.saw) AS saw
FROM cases c, strategies s, LATERAL loan_risk.decide_detail(s.strategy, c) d
WHERE s.name = 'online' AND c.applicant_id = 7 ORDER BY d.step;
SELECT d.step, d.stage, d.evaluated, d.result, d.reason_codes
FROM cases c, strategies s, LATERAL loan_risk.decide_detail(s.strategy, c) d
WHERE s.name = 'online' AND c.applicant_id = 2 ORDER BY d.step;

-- Every outcome, stage and reason code on the generated applicants.
SELECT d.outcome, d.stage, count(*)
FROM applicants a, strategies s, LATERAL loan_risk.decide_stable(s.strategy, a) d
WHERE s.name = 'online' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT code, count(*)
FROM applicants a, strategies s, LATERAL loan_risk.decide_stable(s.strategy, a) d, unnest(d.reason_codes) code
WHERE s.name = 'online' GROUP BY 1 ORDER BY 1;
-- The stages run in order: reasons come stage by stage, and a decline is the last stage.
WITH r AS (
  SELECT a.applicant_id, d.outcome, d.stage, x.code, x.n,
         array_position(ARRAY['knock_out', 'identity', 'anomaly', 'score', 'limit', 'price', 'offers'],
                        (SELECT dd.stage FROM loan_risk.decide_detail(s.strategy, a) dd
                         WHERE x.code = ANY (dd.reason_codes) LIMIT 1)) AS pos
  FROM applicants a, strategies s, LATERAL loan_risk.decide_stable(s.strategy, a) d,
       unnest(d.reason_codes) WITH ORDINALITY x(code, n)
  WHERE s.name = 'online')
SELECT bool_and(ordered) AS reasons_in_stage_order, bool_and(decline_last) AS decline_is_last_stage
FROM (SELECT applicant_id,
             pos >= coalesce(lag(pos) OVER (PARTITION BY applicant_id ORDER BY n), 0) AS ordered,
             outcome <> 'decline' OR pos <= array_position(ARRAY['knock_out', 'identity', 'anomaly', 'score',
                                                                 'limit', 'price', 'offers'], stage) AS decline_last
      FROM r) t;
-- A decline carries no limit, rate or offers; every approval has all of them.
SELECT d.outcome, bool_and(d.limit_amount IS NULL AND d.annual_rate IS NULL AND d.offers IS NULL) AS nothing_offered,
       bool_and(d.limit_amount IS NOT NULL AND d.annual_rate IS NOT NULL AND d.first_payment IS NOT NULL
                AND d.apr IS NOT NULL AND d.offers IS NOT NULL) AS everything_offered
FROM applicants a, strategies s, LATERAL loan_risk.decide_stable(s.strategy, a) d
WHERE s.name = 'online' GROUP BY 1 ORDER BY 1;

-- IMMUTABLE decide refuses a strategy that reads tables; the STABLE form takes both.
SELECT p.proname, p.provolatile, p.proparallel, p.proisstrict FROM pg_proc p
WHERE p.pronamespace = 'loan_risk'::regnamespace AND p.proname IN ('decide', 'decide_stable', 'decide_detail', 'replay')
ORDER BY 1;
SELECT (loan_risk.decide(s.strategy, c)).outcome FROM cases c, strategies s WHERE s.name = 'online' AND c.applicant_id = 1;
SELECT count(*) AS decisions, bool_and(loan_risk.decide(s.strategy, a) = loan_risk.decide_stable(s.strategy, a)) AS same
FROM applicants a, strategies s WHERE s.name = 'pure';

-- NULL strategy or NULL applicant: NULL.  A row of NULLs is an applicant with every value missing.
SELECT loan_risk.decide(NULL, c) IS NULL AS null_strategy FROM cases c WHERE applicant_id = 1;
SELECT loan_risk.decide(s.strategy, NULL::cases) IS NULL AS null_applicant FROM strategies s WHERE s.name = 'pure';
SELECT d.outcome, d.stage, d.reason_codes FROM strategies s,
       LATERAL loan_risk.decide(s.strategy, ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::applicants) d
WHERE s.name = 'pure';
SELECT count(*) FROM strategies s, loan_risk.decide_detail(s.strategy, NULL::cases) WHERE s.name = 'pure';

-- Missing and mistyped columns are errors naming the column and who reads it.
SELECT loan_risk.decide(s.strategy, c) FROM strategies s, (SELECT applicant_id, region FROM cases) c WHERE s.name = 'pure';
SELECT loan_risk.decide(s.strategy, c)
FROM strategies s, (SELECT applicant_id, region, industry, months_active::text AS months_active, gmv_90d, refund_share,
                           repeat_payer_share, night_share, monthly_revenue, existing_debt, requested_amount,
                           requested_term, owner_id, mobile, has_tax_records FROM cases) c
WHERE s.name = 'pure';

-- A card that cannot score an applicant refers it (SCORE_INCOMPLETE) instead of failing the query;
-- a price above the cap declines (PRICE_DECLINE); a requested term out of range refers.
CREATE TABLE edge AS
SELECT 'edge' AS name, jsonb_set(jsonb_set(jsonb_set(strategy::jsonb,
         '{stages,knock_out,rules,0,if_null}', '"pass"'),
         '{stages,price,policy,apr_cap}', '0.105'),
         '{name}', '"edge"')::loan_risk.strategy AS strategy
FROM strategies WHERE name = 'pure';
SELECT c.applicant_id AS id, d.outcome, d.stage, d.reason_codes, d.reasons
FROM edge s, (SELECT * FROM cases WHERE applicant_id IN (1, 3, 12)
              UNION ALL SELECT 20, region, industry, months_active, gmv_90d, refund_share, repeat_payer_share, night_share,
                               monthly_revenue, existing_debt, requested_amount, 1300, owner_id, mobile, has_tax_records, 'term 1300'
                        FROM cases WHERE applicant_id = 1) c,
     LATERAL loan_risk.decide(s.strategy, c) d ORDER BY 1;

-- Nested inputs: "profile.x" reads field x of a composite column "profile",
-- in decisions and in scoring alike; a NULL profile makes each field NULL.
CREATE TYPE merchant_summary AS (gmv_90d numeric, refund_share float8, night_share float8);
CREATE TABLE nested AS
SELECT applicant_id, region, industry, months_active, repeat_payer_share,
       CASE WHEN applicant_id % 7 = 0 THEN NULL ELSE ROW(gmv_90d, refund_share, night_share)::merchant_summary END AS profile
FROM applicants;
CREATE TABLE nested_card AS
SELECT replace(replace(replace(card::text, '"gmv_90d"', '"profile.gmv_90d"'), '"refund_share"', '"profile.refund_share"'),
               '"night_share"', '"profile.night_share"')::loan_risk.scorecard AS card
FROM cards WHERE name = 'champion';
SELECT count(*) AS applicants,
       bool_and(loan_risk.score(n.card, x) = loan_risk.score(c.card, a)) AS nested_score_equals_flat
FROM applicants a JOIN nested x USING (applicant_id), nested_card n, cards c
WHERE c.name = 'champion' AND x.profile IS NOT NULL AND a.months_active IS NOT NULL;
SELECT x.profile IS NULL AS null_profile, loan_risk.score(n.card, x) AS nested,
       loan_risk.score(c.card, (SELECT r FROM (SELECT a.months_active, NULL::numeric AS gmv_90d, NULL::float8 AS refund_share,
                                               NULL::float8 AS night_share, a.repeat_payer_share, a.region, a.industry) r)) AS flat_nulls
FROM nested x JOIN applicants a USING (applicant_id), nested_card n, cards c
WHERE x.applicant_id = 7 AND c.name = 'champion';
SELECT loan_risk.score(n.card, x) FROM (SELECT applicant_id, months_active, region, industry, repeat_payer_share,
                                               42 AS profile FROM nested) x, nested_card n WHERE x.applicant_id = 8;
CREATE TABLE nested_strategy AS
SELECT jsonb_build_object('format', 'loan_risk.strategy/1', 'name', 'nested', 'version', '1',
  'stages', jsonb_build_object('score', jsonb_build_object('arms', jsonb_build_array(
     jsonb_build_object('name', 'champion', 'approve_at', 600, 'decline_below', 560, 'card', n.card::jsonb)))))::loan_risk.strategy AS s
FROM nested_card n;
SELECT count(*) AS applicants,
       bool_and((loan_risk.decide(s, x)).score IS NOT DISTINCT FROM (CASE WHEN x.profile IS NULL THEN NULL ELSE loan_risk.score(n.card, x) END)
                OR x.profile IS NULL) AS nested_decision_scores
FROM nested x, nested_strategy, nested_card n WHERE x.months_active IS NOT NULL;

-- Lists are looked up with the caller's rights, in the named schema only.
CREATE SCHEMA evil;
CREATE TABLE evil.blacklist (id_key text);
INSERT INTO evil.blacklist SELECT dec_resident_id(1);
SET search_path = evil, public;
SELECT (loan_risk.decide_stable(s.strategy, c)).reason_codes FROM cases c, strategies s
WHERE s.name = 'online' AND c.applicant_id = 1;
RESET search_path;
CREATE ROLE decision_clerk;
GRANT USAGE ON SCHEMA loan_risk TO decision_clerk;
GRANT SELECT ON cases, strategies TO decision_clerk;
GRANT USAGE ON SCHEMA risk TO decision_clerk;
GRANT SELECT ON risk.greylist, risk.whitelist TO decision_clerk;
SET ROLE decision_clerk;
SELECT (loan_risk.decide_stable(s.strategy, c)).outcome FROM cases c, strategies s
WHERE s.name = 'online' AND c.applicant_id = 1;
RESET ROLE;
GRANT SELECT ON risk.blacklist TO decision_clerk;
SET ROLE decision_clerk;
SELECT (loan_risk.decide_stable(s.strategy, c)).outcome FROM cases c, strategies s
WHERE s.name = 'online' AND c.applicant_id = 1;
RESET ROLE;
-- A list table that is not there.
SELECT (loan_risk.decide_stable(jsonb_set(s.strategy::jsonb, '{stages,identity,lists,0,table}', '"nolist"')::loan_risk.strategy, c)).outcome
FROM cases c, strategies s WHERE s.name = 'online' AND c.applicant_id = 1;
-- The lists are read at decision time: a new blacklist entry declines at once.
INSERT INTO risk.blacklist VALUES (loan_risk.normalize_resident_id((SELECT owner_id FROM cases WHERE applicant_id = 1)));
SELECT (loan_risk.decide_stable(s.strategy, c)).reason_codes FROM cases c, strategies s
WHERE s.name = 'online' AND c.applicant_id = 1;
DROP OWNED BY decision_clerk;
DROP ROLE decision_clerk;
