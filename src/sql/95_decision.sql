-- Decisions: the strategy type (a whole credit decision policy as one value)
-- and the functions that decide with it.
-- C: src/decision/.  Reference: doc/strategy.md.

-- ---- The strategy type
CREATE TYPE loan_risk.strategy;

CREATE FUNCTION loan_risk.strategy_in(cstring) RETURNS loan_risk.strategy
  AS 'MODULE_PATHNAME', 'strategy_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.strategy_out(loan_risk.strategy) RETURNS cstring
  AS 'MODULE_PATHNAME', 'strategy_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.strategy_recv(internal) RETURNS loan_risk.strategy
  AS 'MODULE_PATHNAME', 'strategy_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.strategy_send(loan_risk.strategy) RETURNS bytea
  AS 'MODULE_PATHNAME', 'strategy_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE loan_risk.strategy (
  INPUT = loan_risk.strategy_in, OUTPUT = loan_risk.strategy_out,
  RECEIVE = loan_risk.strategy_recv, SEND = loan_risk.strategy_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.strategy IS
  'A credit decision strategy: knock-out rules, identity and list checks, anomaly model, champion/challenger scorecards, limit and price policies and products, as validated JSON (doc/strategy.md)';
COMMENT ON FUNCTION loan_risk.strategy_in(cstring) IS 'Text input of loan_risk.strategy: validates the JSON and stores its canonical form';
COMMENT ON FUNCTION loan_risk.strategy_out(loan_risk.strategy) IS 'Text output of loan_risk.strategy: the canonical JSON';
COMMENT ON FUNCTION loan_risk.strategy_recv(internal) IS 'Binary input of loan_risk.strategy, validated like text input';
COMMENT ON FUNCTION loan_risk.strategy_send(loan_risk.strategy) IS 'Binary output of loan_risk.strategy';

CREATE CAST (loan_risk.strategy AS jsonb) WITH INOUT AS ASSIGNMENT;
CREATE CAST (jsonb AS loan_risk.strategy) WITH INOUT;

CREATE TYPE loan_risk.strategy_info_result AS (
  name text,
  version text,
  content_hash text,
  stages text[],
  inputs text[],
  reads_tables boolean
);
COMMENT ON TYPE loan_risk.strategy_info_result IS
  'Result of loan_risk.strategy_info: name, version, SHA-256 of the canonical text, the stages present, the applicant columns read, and whether it looks up list tables';

CREATE FUNCTION loan_risk.strategy_info(strategy loan_risk.strategy)
  RETURNS loan_risk.strategy_info_result
  AS 'MODULE_PATHNAME', 'strategy_info' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.strategy_info(loan_risk.strategy) IS
  'Name, version, content hash, stages, applicant columns read and whether the strategy reads list tables';

-- ---- Decisions
CREATE TYPE loan_risk.offer AS (
  rank integer,
  product_id text,
  bank text,
  product_type text,
  approval_probability float8,
  rate numeric,
  amount numeric,
  term_months integer,
  monthly_payment numeric,
  total_cost numeric
);
COMMENT ON TYPE loan_risk.offer IS
  'A product offered by a decision''s offers stage: the columns of loan_risk.match_products';

CREATE TYPE loan_risk.shadow_decision AS (
  name text,
  outcome text,
  stage text,
  reason_codes text[],
  score float8,
  pd float8,
  limit_amount numeric,
  annual_rate numeric
);
COMMENT ON TYPE loan_risk.shadow_decision IS
  'What a shadow scorecard of a strategy would have decided: reported beside the decision, never enforced';

CREATE TYPE loan_risk.decision AS (
  outcome text,
  stage text,
  reason_codes text[],
  reasons text[],
  score float8,
  pd float8,
  arm text,
  anomaly_score float8,
  limit_amount numeric,
  amount numeric,
  term_months integer,
  annual_rate numeric,
  first_payment numeric,
  apr numeric,
  effective_apr numeric,
  offers loan_risk.offer[],
  shadows loan_risk.shadow_decision[],
  list_hits text[],
  strategy_name text,
  strategy_version text,
  strategy_hash text
);
COMMENT ON TYPE loan_risk.decision IS
  'Result of loan_risk.decide: outcome (approve, refer, decline), the stage that decided, reason codes and texts, score, pd, arm, anomaly score, limit, amount, term, rate, first payment, APR, offers, shadow decisions, list hits, and the strategy''s name, version and content hash';

CREATE FUNCTION loan_risk.decide(strategy loan_risk.strategy, applicant record)
  RETURNS loan_risk.decision
  AS 'MODULE_PATHNAME', 'decide' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.decide(loan_risk.strategy, record) IS
  'Decision of an applicant row under a strategy that reads no table (IMMUTABLE; strategies with list lookups need decide_stable)';

CREATE FUNCTION loan_risk.decide_stable(strategy loan_risk.strategy, applicant record)
  RETURNS loan_risk.decision
  AS 'MODULE_PATHNAME', 'decide_stable' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.decide_stable(loan_risk.strategy, record) IS
  'Decision of an applicant row under any strategy, looking up its list tables with the caller''s rights (STABLE)';

CREATE FUNCTION loan_risk.decide_detail(strategy loan_risk.strategy, applicant record)
  RETURNS TABLE (step integer, stage text, evaluated boolean, result text, saw jsonb,
                 reason_codes text[], reasons text[])
  AS 'MODULE_PATHNAME', 'decide_detail' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 7;
COMMENT ON FUNCTION loan_risk.decide_detail(loan_risk.strategy, record) IS
  'One row per stage of a strategy for an applicant: whether it ran, its result, what it saw, and its reasons';

CREATE FUNCTION loan_risk.replay(strategy loan_risk.strategy, input jsonb, list_hits text[] DEFAULT NULL)
  RETURNS loan_risk.decision
  AS 'MODULE_PATHNAME', 'replay' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.replay(loan_risk.strategy, jsonb, text[]) IS
  'The decision of a logged input (the applicant row as jsonb) under a strategy; with list_hits, the logged list results instead of looking the lists up';

-- ---- Comparing strategies and arms: they read a table or query (read-only, with
-- the caller's rights), so they are VOLATILE and run in the calling backend.
CREATE FUNCTION loan_risk.compare_strategies(champion loan_risk.strategy, challenger loan_risk.strategy, source text)
  RETURNS TABLE (segment text, applicants bigint, share float8, champion_mean_pd float8, challenger_mean_pd float8,
                 champion_total_limit numeric, challenger_total_limit numeric, bads bigint, bad_rate float8)
  AS 'MODULE_PATHNAME', 'compare_strategies' LANGUAGE C VOLATILE STRICT ROWS 4;
CREATE FUNCTION loan_risk.compare_strategies(champion loan_risk.strategy, challenger loan_risk.strategy, source text,
                                             outcome_column text)
  RETURNS TABLE (segment text, applicants bigint, share float8, champion_mean_pd float8, challenger_mean_pd float8,
                 champion_total_limit numeric, challenger_total_limit numeric, bads bigint, bad_rate float8)
  AS 'MODULE_PATHNAME', 'compare_strategies' LANGUAGE C VOLATILE STRICT ROWS 4;
COMMENT ON FUNCTION loan_risk.compare_strategies(loan_risk.strategy, loan_risk.strategy, text) IS
  'The swap set of two strategies over the applicants of a table or query: approved by both, by only one, by neither, with counts, mean pd and total limit';
COMMENT ON FUNCTION loan_risk.compare_strategies(loan_risk.strategy, loan_risk.strategy, text, text) IS
  'The swap set of two strategies, with the observed bad rate of each segment from the source''s outcome column (boolean or 0/1)';

CREATE FUNCTION loan_risk.compare_arms(source text)
  RETURNS TABLE (arm text, decisions bigint, approved bigint, referred bigint, declined bigint, approval_rate float8,
                 mean_pd float8, total_limit numeric, bads bigint, bad_rate float8)
  AS 'MODULE_PATHNAME', 'compare_arms' LANGUAGE C VOLATILE STRICT ROWS 3;
CREATE FUNCTION loan_risk.compare_arms(source text, outcome_column text)
  RETURNS TABLE (arm text, decisions bigint, approved bigint, referred bigint, declined bigint, approval_rate float8,
                 mean_pd float8, total_limit numeric, bads bigint, bad_rate float8)
  AS 'MODULE_PATHNAME', 'compare_arms' LANGUAGE C VOLATILE STRICT ROWS 3;
COMMENT ON FUNCTION loan_risk.compare_arms(text) IS
  'Per-arm figures of logged champion/challenger decisions (columns arm, outcome, pd, limit_amount): counts by outcome, approval rate, mean pd, total limit';
COMMENT ON FUNCTION loan_risk.compare_arms(text, text) IS
  'Per-arm figures of logged decisions, with the observed bad rate from an outcome column (boolean or 0/1)';
