-- Scorecards: the loan_risk.scorecard type and scoring with reason codes.
-- C: src/scoring/.  Reference: doc/scorecard.md.

CREATE TYPE loan_risk.scorecard;

CREATE FUNCTION loan_risk.scorecard_in(cstring) RETURNS loan_risk.scorecard
  AS 'MODULE_PATHNAME', 'scorecard_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.scorecard_out(loan_risk.scorecard) RETURNS cstring
  AS 'MODULE_PATHNAME', 'scorecard_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.scorecard_recv(internal) RETURNS loan_risk.scorecard
  AS 'MODULE_PATHNAME', 'scorecard_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.scorecard_send(loan_risk.scorecard) RETURNS bytea
  AS 'MODULE_PATHNAME', 'scorecard_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE loan_risk.scorecard (
  INPUT = loan_risk.scorecard_in,
  OUTPUT = loan_risk.scorecard_out,
  RECEIVE = loan_risk.scorecard_recv,
  SEND = loan_risk.scorecard_send,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = int4,
  STORAGE = extended
);

COMMENT ON TYPE loan_risk.scorecard IS
  'A scorecard as a value: JSON text form (format loan_risk.scorecard/1), validated on input';
COMMENT ON FUNCTION loan_risk.scorecard_in(cstring) IS 'Text input of loan_risk.scorecard: validates the JSON card';
COMMENT ON FUNCTION loan_risk.scorecard_out(loan_risk.scorecard) IS 'Text output of loan_risk.scorecard: canonical JSON';
COMMENT ON FUNCTION loan_risk.scorecard_recv(internal) IS 'Binary input of loan_risk.scorecard, validated like text input';
COMMENT ON FUNCTION loan_risk.scorecard_send(loan_risk.scorecard) IS 'Binary output of loan_risk.scorecard';

CREATE CAST (loan_risk.scorecard AS jsonb) WITH INOUT AS ASSIGNMENT;
CREATE CAST (jsonb AS loan_risk.scorecard) WITH INOUT;

CREATE FUNCTION loan_risk.score_support(internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'score_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.score_support(internal) IS
  'Planner support for score(), pd() and reasons(): passes a plain table''s columns directly (see score_columns)';

CREATE FUNCTION loan_risk.score(card loan_risk.scorecard, applicant record) RETURNS float8
  AS 'MODULE_PATHNAME', 'score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 30
  SUPPORT loan_risk.score_support;
COMMENT ON FUNCTION loan_risk.score(loan_risk.scorecard, record) IS
  'Score of one applicant row: base points plus the points of each feature''s bin, features found by column name';

CREATE FUNCTION loan_risk.pd(card loan_risk.scorecard, applicant record) RETURNS float8
  AS 'MODULE_PATHNAME', 'pd' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 30
  SUPPORT loan_risk.score_support;
COMMENT ON FUNCTION loan_risk.pd(loan_risk.scorecard, record) IS
  'Probability of default of one applicant row under the card''s scaling: 1 / (1 + base_odds * 2^((score - base_score) / pdo))';

CREATE FUNCTION loan_risk.pd_from_score(card loan_risk.scorecard, score float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'pd_from_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.pd_from_score(loan_risk.scorecard, float8) IS
  'Probability of default of a given score under the card''s scaling';

CREATE FUNCTION loan_risk.reasons(card loan_risk.scorecard, applicant record, n integer DEFAULT 4) RETURNS text[]
  AS 'MODULE_PATHNAME', 'reasons' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 30
  SUPPORT loan_risk.score_support;
COMMENT ON FUNCTION loan_risk.reasons(loan_risk.scorecard, record, integer) IS
  'Adverse-action reasons: up to n features whose points fall furthest below their maximum, ties in card order';

CREATE FUNCTION loan_risk.score_detail(card loan_risk.scorecard, applicant record,
    OUT feature text, OUT value text, OUT bin_kind text, OUT bin_index integer,
    OUT bin text, OUT points float8, OUT max_points float8, OUT woe float8)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'score_detail' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION loan_risk.score_detail(loan_risk.scorecard, record) IS
  'Per feature of the card: the value seen in the row, the bin chosen, its points and the feature''s maximum';

CREATE FUNCTION loan_risk.scorecard_table(card loan_risk.scorecard,
    OUT feature text, OUT feature_type text, OUT bin_kind text, OUT bin_index integer,
    OUT bin text, OUT lower_bound float8, OUT upper_bound float8, OUT bin_values text[],
    OUT points float8, OUT woe float8, OUT count bigint, OUT bads bigint, OUT iv float8)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'scorecard_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION loan_risk.scorecard_table(loan_risk.scorecard) IS
  'The card as one row per feature and bin (bounds or values, points, WOE, counts) for BI tools';

CREATE FUNCTION loan_risk.scorecard_sql(card loan_risk.scorecard, qualifier text DEFAULT NULL) RETURNS text
  AS 'MODULE_PATHNAME', 'scorecard_sql' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.scorecard_sql(loan_risk.scorecard, text) IS
  'The card as a plain-SQL CASE expression over the applicant''s columns that gives the same scores as score()';

-- The fast path of score(), pd() and reasons() on a plain table's rows: a planner support
-- function passes the columns one by one instead of building a composite value
-- per row (see src/scoring/score_columns.c).  Same results; callable directly,
-- though there is no reason to.
CREATE FUNCTION loan_risk.score_columns(card loan_risk.scorecard, columns text[], row_present boolean, VARIADIC "any")
  RETURNS float8 AS 'MODULE_PATHNAME', 'score_columns' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 30;
COMMENT ON FUNCTION loan_risk.score_columns(loan_risk.scorecard, text[], boolean, "any") IS
  'score() over columns passed one by one (what the planner turns score(card, t) into for a plain table t)';
CREATE FUNCTION loan_risk.pd_columns(card loan_risk.scorecard, columns text[], row_present boolean, VARIADIC "any")
  RETURNS float8 AS 'MODULE_PATHNAME', 'pd_columns' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 30;
COMMENT ON FUNCTION loan_risk.pd_columns(loan_risk.scorecard, text[], boolean, "any") IS
  'pd() over columns passed one by one (what the planner turns pd(card, t) into for a plain table t)';
CREATE FUNCTION loan_risk.reasons_columns(card loan_risk.scorecard, columns text[], row_present boolean, n integer, VARIADIC "any")
  RETURNS text[] AS 'MODULE_PATHNAME', 'reasons_columns' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 30;
COMMENT ON FUNCTION loan_risk.reasons_columns(loan_risk.scorecard, text[], boolean, integer, "any") IS
  'reasons() over columns passed one by one (what the planner turns reasons(card, t, n) into for a plain table t)';
