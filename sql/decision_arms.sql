-- Champion/challenger: each applicant's arm comes from a stable hash of its
-- key (doc/strategy.md): u = the first 48 bits of SHA-256(salt || ':' || key)
-- over 2^48, and the arm is the first whose running total of shares exceeds
-- u.  Checked against that definition written in plain SQL, for shares within
-- one percentage point over 100,000 keys, and for the same assignment on
-- every run and platform (a digest of it is part of the expected output).
-- Shadows are evaluated on every applicant and never change the decision.
\set card '{"format": "loan_risk.scorecard/1", "base_points": 600, "features": [], "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}}'
CREATE TABLE arms_strategy AS
SELECT format('{"format": "loan_risk.strategy/1", "name": "arms", "version": "1", "key": "applicant_id",
  "stages": {"score": {"arms": [
    {"name": "champion", "share": 0.7, "approve_at": 600, "card": %s},
    {"name": "challenger_a", "share": 0.2, "approve_at": 600, "card": %s},
    {"name": "challenger_b", "share": 0.1, "approve_at": 600, "card": %s}]}}}', :'card', :'card', :'card')::loan_risk.strategy AS s;
CREATE TABLE keys AS SELECT i AS applicant_id FROM generate_series(1, 100000) i;

-- The definition in plain SQL: the running total of the shares in float8, arm by arm.
CREATE FUNCTION ref_arm(salt text, key text, shares float8[], names text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  u float8 := ('x' || substr(encode(sha256(convert_to(salt || ':' || key, 'UTF8')), 'hex'), 1, 12))::bit(48)::bigint
              / 281474976710656.0::float8;
  cum float8 := 0;
BEGIN
  IF key IS NULL THEN
    RETURN names[1];  -- no key: the first arm
  END IF;
  FOR i IN 1 .. array_length(shares, 1) - 1 LOOP
    cum := cum + shares[i];
    IF u < cum THEN
      RETURN names[i];
    END IF;
  END LOOP;
  RETURN names[array_length(shares, 1)];
END $$;

CREATE TABLE assigned AS
SELECT k.applicant_id, (loan_risk.decide(s, k)).arm,
       ref_arm('arms', k.applicant_id::text, '{0.7,0.2,0.1}', '{champion,challenger_a,challenger_b}') AS ref
FROM keys k, arms_strategy;

SELECT count(*) AS keys, count(*) FILTER (WHERE arm IS DISTINCT FROM ref) AS differ_from_definition FROM assigned;
SELECT arm, count(*), abs(count(*) / 100000.0 - CASE arm WHEN 'champion' THEN 0.7 WHEN 'challenger_a' THEN 0.2 ELSE 0.1 END) < 0.01
         AS within_one_point
FROM assigned GROUP BY arm ORDER BY arm;
-- The same assignment on every run and platform.
SELECT md5(string_agg(arm, ',' ORDER BY applicant_id)) AS assignment_digest FROM assigned;
-- Again, in another statement: the same arms.
SELECT count(*) FILTER (WHERE (loan_risk.decide(s, k)).arm IS DISTINCT FROM a.arm) AS changed
FROM keys k JOIN assigned a USING (applicant_id), arms_strategy;

-- The salt defaults to the strategy's name: a new version of a strategy keeps
-- every applicant in its arm; another salt reshuffles them.
CREATE TABLE arms_v2 AS
SELECT jsonb_set(jsonb_set(s::jsonb, '{version}', '"2"'), '{stages,score,arms,0,approve_at}', '650')::loan_risk.strategy AS s
FROM arms_strategy;
CREATE TABLE arms_salted AS
SELECT jsonb_set(s::jsonb, '{stages,score,salt}', '"2024-q3"')::loan_risk.strategy AS s FROM arms_strategy;
SELECT count(*) FILTER (WHERE (loan_risk.decide(v.s, k)).arm <> a.arm) AS moved_by_new_version,
       count(*) FILTER (WHERE (loan_risk.decide(z.s, k)).arm <> a.arm) AS moved_by_new_salt,
       count(*) FILTER (WHERE (loan_risk.decide(z.s, k)).arm IS DISTINCT FROM
                              ref_arm('2024-q3', k.applicant_id::text, '{0.7,0.2,0.1}', '{champion,challenger_a,challenger_b}'))
         AS salted_differ_from_definition
FROM keys k JOIN assigned a USING (applicant_id), arms_v2 v, arms_salted z
WHERE k.applicant_id <= 20000;

-- Text keys are hashed as they are; a NULL key goes to the first arm (the champion).
SELECT r.applicant_id AS key, (loan_risk.decide(s, r)).arm,
       ref_arm('arms', r.applicant_id, '{0.7,0.2,0.1}', '{champion,challenger_a,challenger_b}') AS ref
FROM arms_strategy, (VALUES ('M-0001'), ('M-0002'), ('M-0003'), ('商户-7'), (NULL)) r(applicant_id)
ORDER BY 1;

-- A single arm needs no key; every applicant is in it.
SELECT (loan_risk.decide(format('{"format": "loan_risk.strategy/1", "name": "one", "version": "1",
  "stages": {"score": {"arms": [{"name": "only", "approve_at": 600, "card": %s}]}}}', :'card')::loan_risk.strategy,
  k)).arm, count(*) FROM keys k WHERE applicant_id <= 1000 GROUP BY 1;

-- Shadows: evaluated on every applicant, reported beside the decision, never enforced.
\set dec_n 2000
\set ECHO none
\i data/decision/fixture.sql
\set ECHO all
CREATE TABLE no_shadow AS
SELECT (strategy::jsonb #- '{stages,score,shadows}')::loan_risk.strategy AS s FROM strategies WHERE name = 'pure';
SELECT count(*) AS applicants,
       count(*) FILTER (WHERE cardinality(d.shadows) = 1) AS with_a_shadow_decision,
       bool_and((d.outcome, d.stage, d.reason_codes, d.score, d.pd, d.arm, d.limit_amount, d.annual_rate, d.offers)
                IS NOT DISTINCT FROM
                (n.outcome, n.stage, n.reason_codes, n.score, n.pd, n.arm, n.limit_amount, n.annual_rate, n.offers))
         AS shadow_never_changes_the_decision,
       bool_and(n.shadows IS NULL) AS none_without_shadows
FROM applicants a, strategies st, no_shadow ns,
     LATERAL loan_risk.decide(st.strategy, a) d, LATERAL loan_risk.decide(ns.s, a) n
WHERE st.name = 'pure';
-- The shadow's score is the shadow card's score of every applicant, also of those declined before the score stage.
SELECT count(*) AS applicants,
       bool_and(sh.score = loan_risk.score(c.card, a)) AS shadow_scores,
       count(*) FILTER (WHERE d.outcome = 'decline' AND d.stage IN ('knock_out', 'identity', 'anomaly')
                          AND sh.score IS NOT NULL) > 0 AS scored_when_declined_earlier
FROM applicants a, strategies st, cards c, LATERAL loan_risk.decide(st.strategy, a) d, unnest(d.shadows) sh
WHERE st.name = 'pure' AND c.name = 'next_gen';
-- How the shadow would have decided, against the decisions in force.
SELECT d.outcome AS champion_outcome, sh.outcome AS shadow_outcome, count(*)
FROM applicants a, strategies st, LATERAL loan_risk.decide(st.strategy, a) d, unnest(d.shadows) sh
WHERE st.name = 'pure' GROUP BY 1, 2 ORDER BY 1, 2;
