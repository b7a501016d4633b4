-- loan_risk 0.2.0 as released (frozen; generated at the time from src/sql/*.sql).
\echo Use "CREATE EXTENSION loan_risk" to load this file. \quit

-- ---- src/sql/00_core.sql
-- Core: the schema comment.  The schema itself is created by CREATE EXTENSION
-- (loan_risk.control: schema = loan_risk, not relocatable), so every object is
-- referred to as loan_risk.<name> and remote SQL on shards resolves the same.

COMMENT ON SCHEMA loan_risk IS
  'loan_risk: credit risk for micro and small business lending (features, scorecards, validation, decisions)';

-- The schema is created by CREATE EXTENSION, owned by the installing superuser;
-- everyone may use what is in it (functions are executable by PUBLIC, as
-- PostgreSQL's default).  REVOKE it to restrict loan_risk to chosen roles.
GRANT USAGE ON SCHEMA loan_risk TO PUBLIC;

-- ---- src/sql/10_scorecard.sql
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
  'Planner support for score() and pd(): passes a plain table''s columns directly (see score_columns)';

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
  AS 'MODULE_PATHNAME', 'reasons' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 30;
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

-- The fast path of score() and pd() on a plain table's rows: a planner support
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

-- ---- src/sql/20_metrics.sql
-- Validation metrics as parallel, mergeable aggregates.
-- C: src/metrics/.  Reference: doc/metrics.md.

-- ---- Brier score
CREATE TYPE loan_risk.brier_state;
CREATE FUNCTION loan_risk.brier_state_in(cstring) RETURNS loan_risk.brier_state
  AS 'MODULE_PATHNAME', 'brier_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.brier_state_out(loan_risk.brier_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'brier_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.brier_state_recv(internal) RETURNS loan_risk.brier_state
  AS 'MODULE_PATHNAME', 'brier_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.brier_state_send(loan_risk.brier_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'brier_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.brier_state (
  INPUT = loan_risk.brier_state_in, OUTPUT = loan_risk.brier_state_out,
  RECEIVE = loan_risk.brier_state_recv, SEND = loan_risk.brier_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.brier_state IS 'Partial state of loan_risk.brier (base64 text form)';
COMMENT ON FUNCTION loan_risk.brier_state_in(cstring) IS 'Text input of loan_risk.brier_state, validated';
COMMENT ON FUNCTION loan_risk.brier_state_out(loan_risk.brier_state) IS 'Text output of loan_risk.brier_state (base64)';
COMMENT ON FUNCTION loan_risk.brier_state_recv(internal) IS 'Binary input of loan_risk.brier_state, validated';
COMMENT ON FUNCTION loan_risk.brier_state_send(loan_risk.brier_state) IS 'Binary output of loan_risk.brier_state';

CREATE FUNCTION loan_risk.brier_trans(loan_risk.brier_state, float8, boolean) RETURNS loan_risk.brier_state
  AS 'MODULE_PATHNAME', 'brier_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.brier_trans(loan_risk.brier_state, float8, integer) RETURNS loan_risk.brier_state
  AS 'MODULE_PATHNAME', 'brier_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.brier_combine(loan_risk.brier_state, loan_risk.brier_state) RETURNS loan_risk.brier_state
  AS 'MODULE_PATHNAME', 'brier_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.brier_final(loan_risk.brier_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'brier_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.brier_trans(loan_risk.brier_state, float8, boolean) IS 'Transition function of loan_risk.brier';
COMMENT ON FUNCTION loan_risk.brier_trans(loan_risk.brier_state, float8, integer) IS 'Transition function of loan_risk.brier (0/1 outcome)';
COMMENT ON FUNCTION loan_risk.brier_combine(loan_risk.brier_state, loan_risk.brier_state) IS 'Combine function of loan_risk.brier';
COMMENT ON FUNCTION loan_risk.brier_final(loan_risk.brier_state) IS 'Final function of loan_risk.brier';

CREATE AGGREGATE loan_risk.brier(pd float8, is_bad boolean) (
  SFUNC = loan_risk.brier_trans, STYPE = loan_risk.brier_state,
  COMBINEFUNC = loan_risk.brier_combine, FINALFUNC = loan_risk.brier_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.brier(pd float8, is_bad integer) (
  SFUNC = loan_risk.brier_trans, STYPE = loan_risk.brier_state,
  COMBINEFUNC = loan_risk.brier_combine, FINALFUNC = loan_risk.brier_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.brier(float8, boolean) IS 'Brier score: mean of (pd - outcome)^2, NULLs skipped';
COMMENT ON AGGREGATE loan_risk.brier(float8, integer) IS 'Brier score with a 0/1 outcome: mean of (pd - outcome)^2, NULLs skipped';

-- Partial state and merge, for carrying the state across shards (doc/scale-out.md).
CREATE AGGREGATE loan_risk.brier_partial(pd float8, is_bad boolean) (
  SFUNC = loan_risk.brier_trans, STYPE = loan_risk.brier_state,
  COMBINEFUNC = loan_risk.brier_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.brier_merge(loan_risk.brier_state) (
  SFUNC = loan_risk.brier_combine, STYPE = loan_risk.brier_state,
  COMBINEFUNC = loan_risk.brier_combine, FINALFUNC = loan_risk.brier_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.brier_partial(pd float8, is_bad integer) (
  SFUNC = loan_risk.brier_trans, STYPE = loan_risk.brier_state,
  COMBINEFUNC = loan_risk.brier_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.brier_partial(float8, boolean) IS 'Partial state of loan_risk.brier, to merge with brier_merge';
COMMENT ON AGGREGATE loan_risk.brier_partial(float8, integer) IS 'Partial state of loan_risk.brier with a 0/1 outcome, to merge with brier_merge';
COMMENT ON AGGREGATE loan_risk.brier_merge(loan_risk.brier_state) IS 'Brier score from partial states';

-- ---- Score distribution: per distinct risk value, the counts of two classes.
-- One state for auc, ks, gini, gains_table, calibration_table,
-- hosmer_lemeshow and psi over quantile bins.
CREATE TYPE loan_risk.score_dist_state;
CREATE FUNCTION loan_risk.score_dist_state_in(cstring) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_state_out(loan_risk.score_dist_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'score_dist_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_state_recv(internal) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_state_send(loan_risk.score_dist_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'score_dist_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.score_dist_state (
  INPUT = loan_risk.score_dist_state_in, OUTPUT = loan_risk.score_dist_state_out,
  RECEIVE = loan_risk.score_dist_state_recv, SEND = loan_risk.score_dist_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.score_dist_state IS 'Partial state of auc, ks, gini, gains_table, calibration_table, hosmer_lemeshow and psi over bins: per distinct value, counts of two classes (base64 text form)';
COMMENT ON FUNCTION loan_risk.score_dist_state_in(cstring) IS 'Text input of loan_risk.score_dist_state, validated';
COMMENT ON FUNCTION loan_risk.score_dist_state_out(loan_risk.score_dist_state) IS 'Text output of loan_risk.score_dist_state (base64)';
COMMENT ON FUNCTION loan_risk.score_dist_state_recv(internal) IS 'Binary input of loan_risk.score_dist_state, validated';
COMMENT ON FUNCTION loan_risk.score_dist_state_send(loan_risk.score_dist_state) IS 'Binary output of loan_risk.score_dist_state';

CREATE FUNCTION loan_risk.score_dist_trans(loan_risk.score_dist_state, float8, boolean) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_trans(loan_risk.score_dist_state, float8, integer) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_trans(loan_risk.score_dist_state, float8, boolean, integer) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_trans_n' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_trans(loan_risk.score_dist_state, float8, integer, integer) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_trans_n_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_trans_pd(loan_risk.score_dist_state, float8, boolean, integer) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_trans_pd' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_trans_pd(loan_risk.score_dist_state, float8, integer, integer) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_trans_pd_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.score_dist_combine(loan_risk.score_dist_state, loan_risk.score_dist_state) RETURNS loan_risk.score_dist_state
  AS 'MODULE_PATHNAME', 'score_dist_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.score_dist_trans(loan_risk.score_dist_state, float8, boolean) IS 'Transition function of auc, ks and gini';
COMMENT ON FUNCTION loan_risk.score_dist_trans(loan_risk.score_dist_state, float8, integer) IS 'Transition function of auc, ks and gini (0/1 outcome)';
COMMENT ON FUNCTION loan_risk.score_dist_trans(loan_risk.score_dist_state, float8, boolean, integer) IS 'Transition function of gains_table and psi over bins';
COMMENT ON FUNCTION loan_risk.score_dist_trans(loan_risk.score_dist_state, float8, integer, integer) IS 'Transition function of gains_table (0/1 outcome)';
COMMENT ON FUNCTION loan_risk.score_dist_trans_pd(loan_risk.score_dist_state, float8, boolean, integer) IS 'Transition function of calibration_table and hosmer_lemeshow (checks 0 <= pd <= 1)';
COMMENT ON FUNCTION loan_risk.score_dist_trans_pd(loan_risk.score_dist_state, float8, integer, integer) IS 'Transition function of calibration_table and hosmer_lemeshow (0/1 outcome)';
COMMENT ON FUNCTION loan_risk.score_dist_combine(loan_risk.score_dist_state, loan_risk.score_dist_state) IS 'Combine function of the aggregates over loan_risk.score_dist_state';

-- ---- AUC, Gini, KS
CREATE FUNCTION loan_risk.auc_final(loan_risk.score_dist_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'auc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.gini_final(loan_risk.score_dist_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'gini_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.ks_final(loan_risk.score_dist_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'ks_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.auc_final(loan_risk.score_dist_state) IS 'Final function of loan_risk.auc';
COMMENT ON FUNCTION loan_risk.gini_final(loan_risk.score_dist_state) IS 'Final function of loan_risk.gini';
COMMENT ON FUNCTION loan_risk.ks_final(loan_risk.score_dist_state) IS 'Final function of loan_risk.ks';

CREATE AGGREGATE loan_risk.auc(risk float8, is_bad boolean) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.auc_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.auc(risk float8, is_bad integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.auc_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gini(risk float8, is_bad boolean) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.gini_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gini(risk float8, is_bad integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.gini_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.ks(risk float8, is_bad boolean) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.ks_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.ks(risk float8, is_bad integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.ks_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.auc(float8, boolean) IS 'AUC: probability that a random bad has a higher risk than a random good, ties one half (exact Mann-Whitney); NULLs skipped, NULL without both classes';
COMMENT ON AGGREGATE loan_risk.auc(float8, integer) IS 'AUC with a 0/1 outcome (1 = bad): exact Mann-Whitney, ties one half; NULLs skipped';
COMMENT ON AGGREGATE loan_risk.gini(float8, boolean) IS 'Gini (accuracy ratio) = 2 AUC - 1, exact; NULLs skipped, NULL without both classes';
COMMENT ON AGGREGATE loan_risk.gini(float8, integer) IS 'Gini = 2 AUC - 1 with a 0/1 outcome (1 = bad); NULLs skipped';
COMMENT ON AGGREGATE loan_risk.ks(float8, boolean) IS 'Kolmogorov-Smirnov: largest distance between the risk distributions of bads and goods, ties as a group; NULLs skipped';
COMMENT ON AGGREGATE loan_risk.ks(float8, integer) IS 'Kolmogorov-Smirnov with a 0/1 outcome (1 = bad), ties as a group; NULLs skipped';

CREATE AGGREGATE loan_risk.auc_partial(risk float8, is_bad boolean) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.auc_partial(risk float8, is_bad integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.auc_merge(loan_risk.score_dist_state) (
  SFUNC = loan_risk.score_dist_combine, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.auc_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gini_partial(risk float8, is_bad boolean) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gini_partial(risk float8, is_bad integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gini_merge(loan_risk.score_dist_state) (
  SFUNC = loan_risk.score_dist_combine, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.gini_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.ks_partial(risk float8, is_bad boolean) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.ks_partial(risk float8, is_bad integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.ks_merge(loan_risk.score_dist_state) (
  SFUNC = loan_risk.score_dist_combine, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.ks_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.auc_partial(float8, boolean) IS 'Partial state of loan_risk.auc, to merge with auc_merge (also ks_merge, gini_merge)';
COMMENT ON AGGREGATE loan_risk.auc_partial(float8, integer) IS 'Partial state of loan_risk.auc with a 0/1 outcome, to merge with auc_merge';
COMMENT ON AGGREGATE loan_risk.auc_merge(loan_risk.score_dist_state) IS 'AUC from partial states';
COMMENT ON AGGREGATE loan_risk.gini_partial(float8, boolean) IS 'Partial state of loan_risk.gini, to merge with gini_merge';
COMMENT ON AGGREGATE loan_risk.gini_partial(float8, integer) IS 'Partial state of loan_risk.gini with a 0/1 outcome, to merge with gini_merge';
COMMENT ON AGGREGATE loan_risk.gini_merge(loan_risk.score_dist_state) IS 'Gini from partial states';
COMMENT ON AGGREGATE loan_risk.ks_partial(float8, boolean) IS 'Partial state of loan_risk.ks, to merge with ks_merge';
COMMENT ON AGGREGATE loan_risk.ks_partial(float8, integer) IS 'Partial state of loan_risk.ks with a 0/1 outcome, to merge with ks_merge';
COMMENT ON AGGREGATE loan_risk.ks_merge(loan_risk.score_dist_state) IS 'KS from partial states';

-- ---- Gains / lift / KS table
CREATE TYPE loan_risk.gains_row AS (
  bucket integer, min_risk float8, max_risk float8, count bigint, bads bigint, bad_rate float8,
  cum_count_share float8, cum_bads_share float8, cum_goods_share float8, cum_bad_rate float8,
  lift float8, cum_lift float8, ks float8);
COMMENT ON TYPE loan_risk.gains_row IS 'One bucket of loan_risk.gains_table: counts, bad rate, cumulative shares, lift and KS (riskiest bucket first)';
CREATE FUNCTION loan_risk.gains_table_final(loan_risk.score_dist_state) RETURNS loan_risk.gains_row[]
  AS 'MODULE_PATHNAME', 'gains_table_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.gains_table_final(loan_risk.score_dist_state) IS 'Final function of loan_risk.gains_table';
CREATE AGGREGATE loan_risk.gains_table(risk float8, is_bad boolean, n_buckets integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.gains_table_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gains_table(risk float8, is_bad integer, n_buckets integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.gains_table_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gains_table_partial(risk float8, is_bad boolean, n_buckets integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gains_table_partial(risk float8, is_bad integer, n_buckets integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.gains_table_merge(loan_risk.score_dist_state) (
  SFUNC = loan_risk.score_dist_combine, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.gains_table_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.gains_table(float8, boolean, integer) IS 'Gains / lift / KS table over n equal-frequency buckets of risk (ties kept together), riskiest first, as an array of gains_row to unnest';
COMMENT ON AGGREGATE loan_risk.gains_table(float8, integer, integer) IS 'Gains / lift / KS table with a 0/1 outcome (1 = bad), as an array of gains_row to unnest';
COMMENT ON AGGREGATE loan_risk.gains_table_partial(float8, boolean, integer) IS 'Partial state of loan_risk.gains_table, to merge with gains_table_merge';
COMMENT ON AGGREGATE loan_risk.gains_table_partial(float8, integer, integer) IS 'Partial state of loan_risk.gains_table with a 0/1 outcome, to merge with gains_table_merge';
COMMENT ON AGGREGATE loan_risk.gains_table_merge(loan_risk.score_dist_state) IS 'Gains table from partial states';

-- ---- Calibration: observed versus expected table, Hosmer-Lemeshow
CREATE TYPE loan_risk.calibration_row AS (
  bucket integer, min_pd float8, max_pd float8, count bigint, observed bigint, expected float8,
  observed_rate float8, mean_pd float8, hl_term float8);
COMMENT ON TYPE loan_risk.calibration_row IS 'One group of loan_risk.calibration_table: observed bads, expected bads (sum of PD) and the Hosmer-Lemeshow term (lowest PD first)';
CREATE TYPE loan_risk.hosmer_lemeshow_result AS (statistic float8, df integer, p_value float8, groups integer);
COMMENT ON TYPE loan_risk.hosmer_lemeshow_result IS 'Result of loan_risk.hosmer_lemeshow: chi-square statistic, degrees of freedom (groups - 2), p-value, non-empty groups';
CREATE FUNCTION loan_risk.calibration_table_final(loan_risk.score_dist_state) RETURNS loan_risk.calibration_row[]
  AS 'MODULE_PATHNAME', 'calibration_table_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.hosmer_lemeshow_final(loan_risk.score_dist_state) RETURNS loan_risk.hosmer_lemeshow_result
  AS 'MODULE_PATHNAME', 'hosmer_lemeshow_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.calibration_table_final(loan_risk.score_dist_state) IS 'Final function of loan_risk.calibration_table';
COMMENT ON FUNCTION loan_risk.hosmer_lemeshow_final(loan_risk.score_dist_state) IS 'Final function of loan_risk.hosmer_lemeshow';
CREATE AGGREGATE loan_risk.calibration_table(pd float8, is_bad boolean, n_groups integer) (
  SFUNC = loan_risk.score_dist_trans_pd, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.calibration_table_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.calibration_table(pd float8, is_bad integer, n_groups integer) (
  SFUNC = loan_risk.score_dist_trans_pd, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.calibration_table_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.calibration_table_partial(pd float8, is_bad boolean, n_groups integer) (
  SFUNC = loan_risk.score_dist_trans_pd, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.calibration_table_partial(pd float8, is_bad integer, n_groups integer) (
  SFUNC = loan_risk.score_dist_trans_pd, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.calibration_table_merge(loan_risk.score_dist_state) (
  SFUNC = loan_risk.score_dist_combine, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.calibration_table_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.hosmer_lemeshow(pd float8, is_bad boolean, n_groups integer) (
  SFUNC = loan_risk.score_dist_trans_pd, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.hosmer_lemeshow_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.hosmer_lemeshow(pd float8, is_bad integer, n_groups integer) (
  SFUNC = loan_risk.score_dist_trans_pd, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.hosmer_lemeshow_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.hosmer_lemeshow_partial(pd float8, is_bad boolean, n_groups integer) (
  SFUNC = loan_risk.score_dist_trans_pd, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.hosmer_lemeshow_partial(pd float8, is_bad integer, n_groups integer) (
  SFUNC = loan_risk.score_dist_trans_pd, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.hosmer_lemeshow_merge(loan_risk.score_dist_state) (
  SFUNC = loan_risk.score_dist_combine, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.hosmer_lemeshow_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.calibration_table(float8, boolean, integer) IS 'Observed versus expected bads over n equal-frequency groups of predicted PD (ties kept together), as an array of calibration_row to unnest';
COMMENT ON AGGREGATE loan_risk.calibration_table(float8, integer, integer) IS 'Observed versus expected table with a 0/1 outcome (1 = bad)';
COMMENT ON AGGREGATE loan_risk.calibration_table_partial(float8, boolean, integer) IS 'Partial state of loan_risk.calibration_table, to merge with calibration_table_merge';
COMMENT ON AGGREGATE loan_risk.calibration_table_partial(float8, integer, integer) IS 'Partial state of loan_risk.calibration_table with a 0/1 outcome';
COMMENT ON AGGREGATE loan_risk.calibration_table_merge(loan_risk.score_dist_state) IS 'Calibration table from partial states';
COMMENT ON AGGREGATE loan_risk.hosmer_lemeshow(float8, boolean, integer) IS 'Hosmer-Lemeshow test over n equal-frequency groups of predicted PD: statistic, df = groups - 2, chi-square p-value';
COMMENT ON AGGREGATE loan_risk.hosmer_lemeshow(float8, integer, integer) IS 'Hosmer-Lemeshow test with a 0/1 outcome (1 = bad)';
COMMENT ON AGGREGATE loan_risk.hosmer_lemeshow_partial(float8, boolean, integer) IS 'Partial state of loan_risk.hosmer_lemeshow, to merge with hosmer_lemeshow_merge';
COMMENT ON AGGREGATE loan_risk.hosmer_lemeshow_partial(float8, integer, integer) IS 'Partial state of loan_risk.hosmer_lemeshow with a 0/1 outcome';
COMMENT ON AGGREGATE loan_risk.hosmer_lemeshow_merge(loan_risk.score_dist_state) IS 'Hosmer-Lemeshow test from partial states';

CREATE FUNCTION loan_risk.chi2_sf(x float8, df float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'chi2_sf' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.chi2_sf(float8, float8) IS 'Chi-square survival function P(X > x) with df degrees of freedom (the p-value of a chi-square statistic)';

-- ---- PSI over equal-frequency bins of the baseline
CREATE FUNCTION loan_risk.psi_bins_final(loan_risk.score_dist_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'psi_bins_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.psi_bins_final(loan_risk.score_dist_state) IS 'Final function of loan_risk.psi over bins';
CREATE AGGREGATE loan_risk.psi(value float8, is_actual boolean, n_bins integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.psi_bins_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.csi(value float8, is_actual boolean, n_bins integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.psi_bins_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.psi_partial(value float8, is_actual boolean, n_bins integer) (
  SFUNC = loan_risk.score_dist_trans, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.psi_merge(loan_risk.score_dist_state) (
  SFUNC = loan_risk.score_dist_combine, STYPE = loan_risk.score_dist_state,
  COMBINEFUNC = loan_risk.score_dist_combine, FINALFUNC = loan_risk.psi_bins_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.psi(float8, boolean, integer) IS 'Population stability index of actual rows (is_actual) against baseline rows over n equal-frequency bins of the baseline; empty cells smoothed by 0.5';
COMMENT ON AGGREGATE loan_risk.csi(float8, boolean, integer) IS 'Characteristic stability index: psi over n equal-frequency bins of a feature''s baseline values';
COMMENT ON AGGREGATE loan_risk.psi_partial(float8, boolean, integer) IS 'Partial state of loan_risk.psi over bins, to merge with psi_merge';
COMMENT ON AGGREGATE loan_risk.psi_merge(loan_risk.score_dist_state) IS 'PSI over bins from partial states';

-- ---- Text buckets: per bucket label, the counts of two classes.
-- One state for iv, woe_table and psi over given buckets.
CREATE TYPE loan_risk.bucket_dist_state;
CREATE FUNCTION loan_risk.bucket_dist_state_in(cstring) RETURNS loan_risk.bucket_dist_state
  AS 'MODULE_PATHNAME', 'bucket_dist_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.bucket_dist_state_out(loan_risk.bucket_dist_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'bucket_dist_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.bucket_dist_state_recv(internal) RETURNS loan_risk.bucket_dist_state
  AS 'MODULE_PATHNAME', 'bucket_dist_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.bucket_dist_state_send(loan_risk.bucket_dist_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'bucket_dist_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.bucket_dist_state (
  INPUT = loan_risk.bucket_dist_state_in, OUTPUT = loan_risk.bucket_dist_state_out,
  RECEIVE = loan_risk.bucket_dist_state_recv, SEND = loan_risk.bucket_dist_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.bucket_dist_state IS 'Partial state of iv, woe_table and psi over buckets: per bucket label, counts of two classes (base64 text form)';
COMMENT ON FUNCTION loan_risk.bucket_dist_state_in(cstring) IS 'Text input of loan_risk.bucket_dist_state, validated';
COMMENT ON FUNCTION loan_risk.bucket_dist_state_out(loan_risk.bucket_dist_state) IS 'Text output of loan_risk.bucket_dist_state (base64)';
COMMENT ON FUNCTION loan_risk.bucket_dist_state_recv(internal) IS 'Binary input of loan_risk.bucket_dist_state, validated';
COMMENT ON FUNCTION loan_risk.bucket_dist_state_send(loan_risk.bucket_dist_state) IS 'Binary output of loan_risk.bucket_dist_state';

CREATE FUNCTION loan_risk.bucket_dist_trans(loan_risk.bucket_dist_state, text, boolean) RETURNS loan_risk.bucket_dist_state
  AS 'MODULE_PATHNAME', 'bucket_dist_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.bucket_dist_trans(loan_risk.bucket_dist_state, text, integer) RETURNS loan_risk.bucket_dist_state
  AS 'MODULE_PATHNAME', 'bucket_dist_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.bucket_dist_combine(loan_risk.bucket_dist_state, loan_risk.bucket_dist_state) RETURNS loan_risk.bucket_dist_state
  AS 'MODULE_PATHNAME', 'bucket_dist_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iv_final(loan_risk.bucket_dist_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'iv_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.psi_buckets_final(loan_risk.bucket_dist_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'psi_buckets_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.bucket_dist_trans(loan_risk.bucket_dist_state, text, boolean) IS 'Transition function of iv, woe_table and psi over buckets';
COMMENT ON FUNCTION loan_risk.bucket_dist_trans(loan_risk.bucket_dist_state, text, integer) IS 'Transition function of iv and woe_table (0/1 outcome)';
COMMENT ON FUNCTION loan_risk.bucket_dist_combine(loan_risk.bucket_dist_state, loan_risk.bucket_dist_state) IS 'Combine function of the aggregates over loan_risk.bucket_dist_state';
COMMENT ON FUNCTION loan_risk.iv_final(loan_risk.bucket_dist_state) IS 'Final function of loan_risk.iv';
COMMENT ON FUNCTION loan_risk.psi_buckets_final(loan_risk.bucket_dist_state) IS 'Final function of loan_risk.psi over buckets';

-- ---- PSI / CSI over given buckets
CREATE AGGREGATE loan_risk.psi(bucket text, is_actual boolean) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.psi_buckets_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.csi(bucket text, is_actual boolean) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.psi_buckets_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.psi_partial(bucket text, is_actual boolean) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.psi_merge(loan_risk.bucket_dist_state) (
  SFUNC = loan_risk.bucket_dist_combine, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.psi_buckets_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.psi(text, boolean) IS 'Population stability index of actual rows (is_actual) against baseline rows over given buckets; empty cells smoothed by 0.5; NULLs skipped';
COMMENT ON AGGREGATE loan_risk.csi(text, boolean) IS 'Characteristic stability index: psi over a feature''s bins';
COMMENT ON AGGREGATE loan_risk.psi_partial(text, boolean) IS 'Partial state of loan_risk.psi over buckets, to merge with psi_merge';
COMMENT ON AGGREGATE loan_risk.psi_merge(loan_risk.bucket_dist_state) IS 'PSI over buckets from partial states';

-- ---- IV and the WOE table
CREATE TYPE loan_risk.woe_row AS (
  bucket text, count bigint, goods bigint, bads bigint, bad_rate float8,
  goods_share float8, bads_share float8, woe float8, iv float8);
COMMENT ON TYPE loan_risk.woe_row IS 'One bucket of loan_risk.woe_table: counts, bad rate, shares of goods and bads, WOE = ln(goods share / bads share) and IV contribution';
CREATE FUNCTION loan_risk.woe_table_final(loan_risk.bucket_dist_state) RETURNS loan_risk.woe_row[]
  AS 'MODULE_PATHNAME', 'woe_table_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.woe_table_final(loan_risk.bucket_dist_state) IS 'Final function of loan_risk.woe_table';
CREATE AGGREGATE loan_risk.iv(bucket text, is_bad boolean) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.iv_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.iv(bucket text, is_bad integer) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.iv_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.woe_table(bucket text, is_bad boolean) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.woe_table_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.woe_table(bucket text, is_bad integer) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.woe_table_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.iv_partial(bucket text, is_bad boolean) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.iv_partial(bucket text, is_bad integer) (
  SFUNC = loan_risk.bucket_dist_trans, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.iv_merge(loan_risk.bucket_dist_state) (
  SFUNC = loan_risk.bucket_dist_combine, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.iv_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.woe_table_merge(loan_risk.bucket_dist_state) (
  SFUNC = loan_risk.bucket_dist_combine, STYPE = loan_risk.bucket_dist_state,
  COMBINEFUNC = loan_risk.bucket_dist_combine, FINALFUNC = loan_risk.woe_table_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iv(text, boolean) IS 'Information value of a binned feature: sum of (goods share - bads share) * WOE; empty cells smoothed by 0.5; NULLs skipped';
COMMENT ON AGGREGATE loan_risk.iv(text, integer) IS 'Information value with a 0/1 outcome (1 = bad)';
COMMENT ON AGGREGATE loan_risk.woe_table(text, boolean) IS 'WOE / IV table per bucket (WOE = ln(goods share / bads share), Siddiqi), as an array of woe_row to unnest';
COMMENT ON AGGREGATE loan_risk.woe_table(text, integer) IS 'WOE / IV table with a 0/1 outcome (1 = bad)';
COMMENT ON AGGREGATE loan_risk.iv_partial(text, boolean) IS 'Partial state of loan_risk.iv and woe_table, to merge with iv_merge or woe_table_merge';
COMMENT ON AGGREGATE loan_risk.iv_partial(text, integer) IS 'Partial state of loan_risk.iv with a 0/1 outcome';
COMMENT ON AGGREGATE loan_risk.iv_merge(loan_risk.bucket_dist_state) IS 'Information value from partial states';
COMMENT ON AGGREGATE loan_risk.woe_table_merge(loan_risk.bucket_dist_state) IS 'WOE / IV table from partial states';

-- ---- src/sql/30_features.sql
-- Merchant features from transaction tables: the cash-flow profile aggregate,
-- store normalisations and the borrowing-behaviour aggregate.
-- C: src/features/.  Reference: doc/features.md.

-- ---- merchant_features: the cash-flow profile
CREATE TYPE loan_risk.merchant_profile AS (
  as_of timestamptz,
  first_seen timestamptz,
  last_seen timestamptz,
  tenure_days integer,
  recency_days integer,
  txn_count_all bigint,
  time_zone text,
  counterparties_exact boolean,
  counterparty_sample_rate float8,
  counterparty_error_bound numeric,
  txn_count_30d bigint,
  sales_count_30d bigint,
  revenue_30d numeric,
  refunds_30d numeric,
  refund_share_30d float8,
  active_days_30d integer,
  avg_ticket_30d float8,
  longest_gap_30d integer,
  night_share_30d float8,
  weekend_share_30d float8,
  counterparties_30d bigint,
  repeat_share_30d float8,
  top1_share_30d float8,
  top5_share_30d float8,
  hhi_30d float8,
  txn_count_90d bigint,
  sales_count_90d bigint,
  revenue_90d numeric,
  refunds_90d numeric,
  refund_share_90d float8,
  active_days_90d integer,
  avg_ticket_90d float8,
  longest_gap_90d integer,
  night_share_90d float8,
  weekend_share_90d float8,
  counterparties_90d bigint,
  repeat_share_90d float8,
  top1_share_90d float8,
  top5_share_90d float8,
  hhi_90d float8,
  txn_count_180d bigint,
  sales_count_180d bigint,
  revenue_180d numeric,
  refunds_180d numeric,
  refund_share_180d float8,
  active_days_180d integer,
  avg_ticket_180d float8,
  longest_gap_180d integer,
  night_share_180d float8,
  weekend_share_180d float8,
  counterparties_180d bigint,
  repeat_share_180d float8,
  top1_share_180d float8,
  top5_share_180d float8,
  hhi_180d float8,
  txn_count_365d bigint,
  sales_count_365d bigint,
  revenue_365d numeric,
  refunds_365d numeric,
  refund_share_365d float8,
  active_days_365d integer,
  avg_ticket_365d float8,
  longest_gap_365d integer,
  night_share_365d float8,
  weekend_share_365d float8,
  counterparties_365d bigint,
  repeat_share_365d float8,
  top1_share_365d float8,
  top5_share_365d float8,
  hhi_365d float8,
  active_months_90d integer,
  monthly_revenue_mean_90d float8,
  monthly_revenue_std_90d float8,
  monthly_revenue_cv_90d float8,
  revenue_trend_90d float8,
  active_months_180d integer,
  monthly_revenue_mean_180d float8,
  monthly_revenue_std_180d float8,
  monthly_revenue_cv_180d float8,
  revenue_trend_180d float8,
  active_months_365d integer,
  monthly_revenue_mean_365d float8,
  monthly_revenue_std_365d float8,
  monthly_revenue_cv_365d float8,
  revenue_trend_365d float8,
  growth_3m float8
);
COMMENT ON TYPE loan_risk.merchant_profile IS 'Cash-flow profile of a merchant as of a date: result of loan_risk.merchant_features (doc/features.md)';

CREATE TYPE loan_risk.merchant_profile_state;
CREATE FUNCTION loan_risk.merchant_profile_state_in(cstring) RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_profile_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.merchant_profile_state_out(loan_risk.merchant_profile_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'merchant_profile_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.merchant_profile_state_recv(internal) RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_profile_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.merchant_profile_state_send(loan_risk.merchant_profile_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'merchant_profile_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.merchant_profile_state (
  INPUT = loan_risk.merchant_profile_state_in, OUTPUT = loan_risk.merchant_profile_state_out,
  RECEIVE = loan_risk.merchant_profile_state_recv, SEND = loan_risk.merchant_profile_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.merchant_profile_state IS 'Partial state of loan_risk.merchant_features (base64 text form)';
COMMENT ON FUNCTION loan_risk.merchant_profile_state_in(cstring) IS 'Text input of loan_risk.merchant_profile_state, validated';
COMMENT ON FUNCTION loan_risk.merchant_profile_state_out(loan_risk.merchant_profile_state) IS 'Text output of loan_risk.merchant_profile_state (base64)';
COMMENT ON FUNCTION loan_risk.merchant_profile_state_recv(internal) IS 'Binary input of loan_risk.merchant_profile_state, validated';
COMMENT ON FUNCTION loan_risk.merchant_profile_state_send(loan_risk.merchant_profile_state) IS 'Binary output of loan_risk.merchant_profile_state';

CREATE FUNCTION loan_risk.merchant_features_combine(loan_risk.merchant_profile_state, loan_risk.merchant_profile_state)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.merchant_features_final(loan_risk.merchant_profile_state) RETURNS loan_risk.merchant_profile
  AS 'MODULE_PATHNAME', 'merchant_features_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_combine(loan_risk.merchant_profile_state, loan_risk.merchant_profile_state) IS 'Combine function of loan_risk.merchant_features';
COMMENT ON FUNCTION loan_risk.merchant_features_final(loan_risk.merchant_profile_state) IS 'Final function of loan_risk.merchant_features';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, text)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_num_text' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, text) IS 'Transition function of loan_risk.merchant_features (numeric amount, text counterparty)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount numeric, counterparty text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, numeric, text) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at the latest ts (numeric amount, text counterparty); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount numeric, counterparty text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, numeric, text) IS 'Partial state of loan_risk.merchant_features, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, text, timestamptz)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_num_text' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, text, timestamptz) IS 'Transition function of loan_risk.merchant_features (numeric amount, text counterparty, given as_of)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount numeric, counterparty text, as_of timestamptz) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, numeric, text, timestamptz) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at as_of (numeric amount, text counterparty, given as_of); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount numeric, counterparty text, as_of timestamptz) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, numeric, text, timestamptz) IS 'Partial state of loan_risk.merchant_features, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, bigint)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_num_int8' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, bigint) IS 'Transition function of loan_risk.merchant_features (numeric amount, bigint counterparty)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount numeric, counterparty bigint) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, numeric, bigint) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at the latest ts (numeric amount, bigint counterparty); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount numeric, counterparty bigint) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, numeric, bigint) IS 'Partial state of loan_risk.merchant_features, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, bigint, timestamptz)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_num_int8' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, bigint, timestamptz) IS 'Transition function of loan_risk.merchant_features (numeric amount, bigint counterparty, given as_of)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount numeric, counterparty bigint, as_of timestamptz) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, numeric, bigint, timestamptz) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at as_of (numeric amount, bigint counterparty, given as_of); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount numeric, counterparty bigint, as_of timestamptz) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, numeric, bigint, timestamptz) IS 'Partial state of loan_risk.merchant_features, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, text)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_f8_text' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, text) IS 'Transition function of loan_risk.merchant_features (float8 amount, text counterparty)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount float8, counterparty text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, float8, text) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at the latest ts (float8 amount, text counterparty); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount float8, counterparty text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, float8, text) IS 'Partial state of loan_risk.merchant_features, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, text, timestamptz)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_f8_text' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, text, timestamptz) IS 'Transition function of loan_risk.merchant_features (float8 amount, text counterparty, given as_of)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount float8, counterparty text, as_of timestamptz) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, float8, text, timestamptz) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at as_of (float8 amount, text counterparty, given as_of); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount float8, counterparty text, as_of timestamptz) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, float8, text, timestamptz) IS 'Partial state of loan_risk.merchant_features, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, bigint)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_f8_int8' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, bigint) IS 'Transition function of loan_risk.merchant_features (float8 amount, bigint counterparty)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount float8, counterparty bigint) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, float8, bigint) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at the latest ts (float8 amount, bigint counterparty); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount float8, counterparty bigint) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, float8, bigint) IS 'Partial state of loan_risk.merchant_features, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, bigint, timestamptz)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_f8_int8' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, bigint, timestamptz) IS 'Transition function of loan_risk.merchant_features (float8 amount, bigint counterparty, given as_of)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount float8, counterparty bigint, as_of timestamptz) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, float8, bigint, timestamptz) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at as_of (float8 amount, bigint counterparty, given as_of); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount float8, counterparty bigint, as_of timestamptz) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, float8, bigint, timestamptz) IS 'Partial state of loan_risk.merchant_features, to merge with merchant_features_merge';

CREATE AGGREGATE loan_risk.merchant_features_merge(loan_risk.merchant_profile_state) (
  SFUNC = loan_risk.merchant_features_combine, STYPE = loan_risk.merchant_profile_state,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_merge(loan_risk.merchant_profile_state) IS 'Cash-flow profile from partial states of loan_risk.merchant_features';

-- ---- borrowing_features: borrowing behaviour from a merchant's past loans
CREATE TYPE loan_risk.borrowing_profile AS (
  as_of date,
  loans_total bigint,
  loans_6m integer,
  loans_12m integer,
  open_loans integer,
  avg_amount_12m float8,
  avg_amount_all float8,
  avg_days_used_12m float8,
  max_dpd_12m integer,
  max_dpd_all integer,
  on_time_share_12m float8,
  days_since_last_loan integer,
  short_loans_6m integer,
  quick_reborrows_6m integer,
  small_loans_6m integer,
  frequent_flag boolean,
  short_flag boolean,
  urgent_flag boolean,
  small_flag boolean,
  pattern_flag boolean,
  pattern_score integer
);
COMMENT ON TYPE loan_risk.borrowing_profile IS 'Borrowing behaviour of a merchant as of a date: result of loan_risk.borrowing_features (doc/features.md)';

CREATE TYPE loan_risk.borrowing_state;
CREATE FUNCTION loan_risk.borrowing_state_in(cstring) RETURNS loan_risk.borrowing_state
  AS 'MODULE_PATHNAME', 'borrowing_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.borrowing_state_out(loan_risk.borrowing_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'borrowing_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.borrowing_state_recv(internal) RETURNS loan_risk.borrowing_state
  AS 'MODULE_PATHNAME', 'borrowing_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.borrowing_state_send(loan_risk.borrowing_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'borrowing_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.borrowing_state (
  INPUT = loan_risk.borrowing_state_in, OUTPUT = loan_risk.borrowing_state_out,
  RECEIVE = loan_risk.borrowing_state_recv, SEND = loan_risk.borrowing_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.borrowing_state IS 'Partial state of loan_risk.borrowing_features (base64 text form)';
COMMENT ON FUNCTION loan_risk.borrowing_state_in(cstring) IS 'Text input of loan_risk.borrowing_state, validated';
COMMENT ON FUNCTION loan_risk.borrowing_state_out(loan_risk.borrowing_state) IS 'Text output of loan_risk.borrowing_state (base64)';
COMMENT ON FUNCTION loan_risk.borrowing_state_recv(internal) IS 'Binary input of loan_risk.borrowing_state, validated';
COMMENT ON FUNCTION loan_risk.borrowing_state_send(loan_risk.borrowing_state) IS 'Binary output of loan_risk.borrowing_state';

CREATE FUNCTION loan_risk.borrowing_features_trans(loan_risk.borrowing_state, date, date, numeric, integer)
  RETURNS loan_risk.borrowing_state
  AS 'MODULE_PATHNAME', 'borrowing_features_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.borrowing_features_trans(loan_risk.borrowing_state, date, date, numeric, integer, date)
  RETURNS loan_risk.borrowing_state
  AS 'MODULE_PATHNAME', 'borrowing_features_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.borrowing_features_combine(loan_risk.borrowing_state, loan_risk.borrowing_state)
  RETURNS loan_risk.borrowing_state
  AS 'MODULE_PATHNAME', 'borrowing_features_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.borrowing_features_final(loan_risk.borrowing_state) RETURNS loan_risk.borrowing_profile
  AS 'MODULE_PATHNAME', 'borrowing_features_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.borrowing_features_trans(loan_risk.borrowing_state, date, date, numeric, integer) IS 'Transition function of loan_risk.borrowing_features';
COMMENT ON FUNCTION loan_risk.borrowing_features_trans(loan_risk.borrowing_state, date, date, numeric, integer, date) IS 'Transition function of loan_risk.borrowing_features (given as_of)';
COMMENT ON FUNCTION loan_risk.borrowing_features_combine(loan_risk.borrowing_state, loan_risk.borrowing_state) IS 'Combine function of loan_risk.borrowing_features';
COMMENT ON FUNCTION loan_risk.borrowing_features_final(loan_risk.borrowing_state) IS 'Final function of loan_risk.borrowing_features';

CREATE AGGREGATE loan_risk.borrowing_features(start_date date, end_date date, amount numeric, days_past_due integer) (
  SFUNC = loan_risk.borrowing_features_trans, STYPE = loan_risk.borrowing_state,
  COMBINEFUNC = loan_risk.borrowing_features_combine, FINALFUNC = loan_risk.borrowing_features_final,
  PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.borrowing_features(start_date date, end_date date, amount numeric, days_past_due integer, as_of date) (
  SFUNC = loan_risk.borrowing_features_trans, STYPE = loan_risk.borrowing_state,
  COMBINEFUNC = loan_risk.borrowing_features_combine, FINALFUNC = loan_risk.borrowing_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.borrowing_features(date, date, numeric, integer) IS 'Borrowing behaviour of a merchant from its past loans, as of the latest date seen (doc/features.md)';
COMMENT ON AGGREGATE loan_risk.borrowing_features(date, date, numeric, integer, date) IS 'Borrowing behaviour of a merchant from its past loans, as of a given date (doc/features.md)';
CREATE AGGREGATE loan_risk.borrowing_features_partial(start_date date, end_date date, amount numeric, days_past_due integer) (
  SFUNC = loan_risk.borrowing_features_trans, STYPE = loan_risk.borrowing_state,
  COMBINEFUNC = loan_risk.borrowing_features_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.borrowing_features_partial(start_date date, end_date date, amount numeric, days_past_due integer, as_of date) (
  SFUNC = loan_risk.borrowing_features_trans, STYPE = loan_risk.borrowing_state,
  COMBINEFUNC = loan_risk.borrowing_features_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.borrowing_features_merge(loan_risk.borrowing_state) (
  SFUNC = loan_risk.borrowing_features_combine, STYPE = loan_risk.borrowing_state,
  COMBINEFUNC = loan_risk.borrowing_features_combine, FINALFUNC = loan_risk.borrowing_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.borrowing_features_partial(date, date, numeric, integer) IS 'Partial state of loan_risk.borrowing_features, to merge with borrowing_features_merge';
COMMENT ON AGGREGATE loan_risk.borrowing_features_partial(date, date, numeric, integer, date) IS 'Partial state of loan_risk.borrowing_features (given as_of), to merge with borrowing_features_merge';
COMMENT ON AGGREGATE loan_risk.borrowing_features_merge(loan_risk.borrowing_state) IS 'Borrowing behaviour from partial states of loan_risk.borrowing_features';

-- ---- store normalisations
CREATE FUNCTION loan_risk.wilson_lower_bound(positive bigint, total bigint, confidence float8 DEFAULT 0.95)
  RETURNS float8 AS 'MODULE_PATHNAME', 'wilson_lower_bound' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.wilson_lower_bound(bigint, bigint, float8) IS 'Lower bound of the Wilson score interval of positive/total at a two-sided confidence (default 0.95); 0 when total is 0';
CREATE FUNCTION loan_risk.smoothed_rate(positive bigint, total bigint, prior_rate float8, prior_weight float8)
  RETURNS float8 AS 'MODULE_PATHNAME', 'smoothed_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.smoothed_rate(bigint, bigint, float8, float8) IS 'Rate shrunk toward a prior: (positive + prior_rate * prior_weight) / (total + prior_weight)';

CREATE TYPE loan_risk.store_profile AS (
  store_age_days integer,
  store_age_months integer,
  review_rate float8,
  review_rate_wilson float8,
  orders_per_month float8,
  gmv_per_month float8,
  log_gmv_per_month float8,
  avg_order_value float8,
  log_deposit float8,
  deposit_months float8,
  deposit_share float8
);
COMMENT ON TYPE loan_risk.store_profile IS 'E-commerce store figures on comparable scales: result of loan_risk.store_features (doc/features.md)';
CREATE FUNCTION loan_risk.store_features(reviews_positive bigint, reviews_total bigint, orders bigint, gmv numeric,
                                         deposit numeric, opened_on date, as_of date, confidence float8 DEFAULT 0.95)
  RETURNS loan_risk.store_profile AS 'MODULE_PATHNAME', 'store_features' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.store_features(bigint, bigint, bigint, numeric, numeric, date, date, float8) IS 'Store age, review rate and its Wilson lower bound, orders and GMV per month of age, average order value, deposit cover (doc/features.md)';

-- ---- src/sql/40_graph.sql
-- Graph features: merchant or person from the counterparty graph, rings of
-- shared attributes, risk spread from blacklists.
-- C: src/graph/.  Reference: doc/graph.md.
--
-- Inputs are queries (text) run with the caller's rights, in the style of
-- pgRouting; outputs are sets of rows, one per node.  The functions read
-- tables through the given queries, so they are VOLATILE; they run the
-- in-memory kernel in the calling backend (PARALLEL UNSAFE), while the input
-- query itself may use parallel workers.

CREATE FUNCTION loan_risk.graph_clustering(edges_sql text)
  RETURNS TABLE (node bigint, degree bigint, triangles bigint, clustering float8, merchant_score float8)
  AS 'MODULE_PATHNAME', 'graph_clustering' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION loan_risk.graph_clustering(text) IS
  'Per node of the undirected graph given by edges_sql (two bigint endpoints): degree, triangles, local clustering coefficient and a merchant-likeness score, the share of open wedges (pairs of neighbours not linked) smoothed: (W - T + 1/2) / (W + 1) with W = degree (degree - 1) / 2';

CREATE FUNCTION loan_risk.graph_components(edges_sql text)
  RETURNS TABLE (node bigint, component bigint, component_size bigint)
  AS 'MODULE_PATHNAME', 'graph_components' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION loan_risk.graph_components(text) IS
  'Connected components of the undirected graph given by edges_sql: per node its component (the smallest node id in it) and the component''s size';

CREATE FUNCTION loan_risk.shared_attribute_components(pairs_sql text, max_attribute_degree integer)
  RETURNS TABLE (entity bigint, component bigint, component_size bigint)
  AS 'MODULE_PATHNAME', 'shared_attribute_components' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION loan_risk.shared_attribute_components(text, integer) IS
  'Rings: entities linked when they share an attribute value (pairs_sql returns entity bigint, attribute text or integer); values shared by more than max_attribute_degree entities are ignored (see shared_attribute_hubs)';

CREATE FUNCTION loan_risk.shared_attribute_hubs(pairs_sql text, max_attribute_degree integer)
  RETURNS TABLE (attribute text, entities bigint)
  AS 'MODULE_PATHNAME', 'shared_attribute_hubs' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION loan_risk.shared_attribute_hubs(text, integer) IS
  'The attribute values that shared_attribute_components ignores: shared by more than max_attribute_degree distinct entities, most shared first';

CREATE FUNCTION loan_risk.risk_propagation(edges_sql text, seeds_sql text,
                                           damping float8 DEFAULT 0.85, iterations integer DEFAULT 30,
                                           directed boolean DEFAULT false)
  RETURNS TABLE (node bigint, risk float8)
  AS 'MODULE_PATHNAME', 'risk_propagation' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION loan_risk.risk_propagation(text, text, float8, integer, boolean) IS
  'Personalised PageRank from the seed nodes of seeds_sql (node [, weight]) over the graph of edges_sql (source, target [, weight]): per node the share of risk that reaches it';

-- ---- src/sql/50_training.sql
-- Training: pre-binning, optimal binning, logistic regression, scorecards
-- (doc/training.md).

-- ---- Pre-binning: per feature, goods and bads per distinct value (or per
-- bucket of neighbouring values beyond loan_risk.binning_max_distinct), for
-- every feature of one pass.
CREATE TYPE loan_risk.prebin_state;
CREATE FUNCTION loan_risk.prebin_state_in(cstring) RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_state_out(loan_risk.prebin_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'prebin_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_state_recv(internal) RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_state_send(loan_risk.prebin_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'prebin_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.prebin_state (
  INPUT = loan_risk.prebin_state_in, OUTPUT = loan_risk.prebin_state_out,
  RECEIVE = loan_risk.prebin_state_recv, SEND = loan_risk.prebin_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.prebin_state IS 'Pre-binning state of several features (goods and bads per value or bucket), mergeable; base64 text form';
COMMENT ON FUNCTION loan_risk.prebin_state_in(cstring) IS 'Text input of loan_risk.prebin_state, validated';
COMMENT ON FUNCTION loan_risk.prebin_state_out(loan_risk.prebin_state) IS 'Text output of loan_risk.prebin_state (base64)';
COMMENT ON FUNCTION loan_risk.prebin_state_recv(internal) IS 'Binary input of loan_risk.prebin_state, validated';
COMMENT ON FUNCTION loan_risk.prebin_state_send(loan_risk.prebin_state) IS 'Binary output of loan_risk.prebin_state';

CREATE FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], VARIADIC "any")
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], VARIADIC "any")
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_combine(loan_risk.prebin_state, loan_risk.prebin_state)
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], "any") IS 'Transition function of loan_risk.prebin_partial';
COMMENT ON FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], "any") IS 'Transition function of loan_risk.prebin_partial (0/1 outcome)';
COMMENT ON FUNCTION loan_risk.prebin_combine(loan_risk.prebin_state, loan_risk.prebin_state) IS 'Combine function of loan_risk.prebin_partial';

CREATE AGGREGATE loan_risk.prebin_partial(is_bad boolean, exact_values float8[], VARIADIC features "any") (
  SFUNC = loan_risk.prebin_trans, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.prebin_partial(is_bad integer, exact_values float8[], VARIADIC features "any") (
  SFUNC = loan_risk.prebin_trans, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.prebin_merge(loan_risk.prebin_state) (
  SFUNC = loan_risk.prebin_combine, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.prebin_partial(boolean, float8[], "any") IS 'Pre-binning state of every feature given (numeric or categorical by type) in one pass; exact_values (special values, split points) keep exact counts';
COMMENT ON AGGREGATE loan_risk.prebin_partial(integer, float8[], "any") IS 'Pre-binning state with a 0/1 outcome (1 = bad); see prebin_partial(boolean, ...)';
COMMENT ON AGGREGATE loan_risk.prebin_merge(loan_risk.prebin_state) IS 'Merges pre-binning states (of shards or groups) into one';

CREATE FUNCTION loan_risk.prebin_info(state loan_risk.prebin_state) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'prebin_info' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.prebin_info(loan_risk.prebin_state) IS 'What a pre-binning state holds: rows, fingerprint, and per feature its kind, missing counts and runs';

CREATE FUNCTION loan_risk.prebin_table(state loan_risk.prebin_state)
  RETURNS TABLE (feature integer, kind text, value float8, category text, goods bigint, bads bigint)
  AS 'MODULE_PATHNAME', 'prebin_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.prebin_table(loan_risk.prebin_state) IS 'The counts of a pre-binning state as rows: per feature (1-based) its missing counts, then per value (or bucket start, or category) its goods and bads';

CREATE FUNCTION loan_risk.prebin_bins(state loan_risk.prebin_state, names text[], options jsonb DEFAULT '{}')
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'prebin_bins' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.prebin_bins(loan_risk.prebin_state, text[], jsonb) IS 'Optimal bins (max IV under the binning options) of every feature of a pre-binning state, named in order';

CREATE FUNCTION loan_risk.binning(source text, target text, features text[] DEFAULT NULL,
                                  options jsonb DEFAULT '{}')
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'binning' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION loan_risk.binning(text, text, text[], jsonb) IS 'Optimal monotonic binning of features of a table or query in one pass: bins with counts, bad rates, WOE and IV';

CREATE FUNCTION loan_risk.binning_table(binning jsonb)
  RETURNS TABLE (feature text, feature_type text, bin_kind text, bin_index integer,
                 lower_bound float8, upper_bound float8, bin_values text[],
                 count bigint, goods bigint, bads bigint, bad_rate float8, woe float8, iv float8)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
  SELECT f->>'name', f->>'type', b.kind, b.idx,
         CASE WHEN b.kind = 'range' THEN coalesce((b.bin->>'lower')::float8, '-Infinity') END,
         CASE WHEN b.kind = 'range' THEN coalesce((b.bin->>'upper')::float8, 'Infinity') END,
         CASE WHEN b.bin ? 'values' THEN ARRAY(SELECT jsonb_array_elements_text(b.bin->'values')) END,
         (b.bin->>'count')::bigint, (b.bin->>'goods')::bigint, (b.bin->>'bads')::bigint,
         (b.bin->>'bad_rate')::float8, (b.bin->>'woe')::float8, (b.bin->>'iv')::float8
  FROM jsonb_array_elements(binning->'features') WITH ORDINALITY AS fs(f, fno)
  CROSS JOIN LATERAL (
    SELECT CASE WHEN f->>'type' = 'numeric' THEN 'range' ELSE 'values' END, (o - 1)::integer, x, o
    FROM jsonb_array_elements(f->'bins') WITH ORDINALITY AS r(x, o)
    UNION ALL
    SELECT 'special', (o - 1)::integer, x, 1000000 + o
    FROM jsonb_array_elements(coalesce(f->'special', '[]')) WITH ORDINALITY AS s(x, o)
    UNION ALL
    SELECT 'missing', NULL, f->'missing', 2000000
    UNION ALL
    SELECT 'unseen', NULL, f->'unseen', 3000000 WHERE f ? 'unseen'
  ) AS b(kind, idx, bin, ord)
  ORDER BY fs.fno, b.ord
  $$;
COMMENT ON FUNCTION loan_risk.binning_table(jsonb) IS 'The result of binning() or prebin_bins() as rows, one per bin, for BI tools';

-- ---- Logistic regression: one pass of Newton-Raphson (IRLS) as an aggregate.
CREATE TYPE loan_risk.logit_step_state;
CREATE FUNCTION loan_risk.logit_step_state_in(cstring) RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'logit_step_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.logit_step_state_out(loan_risk.logit_step_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'logit_step_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.logit_step_state_recv(internal) RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'logit_step_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.logit_step_state_send(loan_risk.logit_step_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'logit_step_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.logit_step_state (
  INPUT = loan_risk.logit_step_state_in, OUTPUT = loan_risk.logit_step_state_out,
  RECEIVE = loan_risk.logit_step_state_recv, SEND = loan_risk.logit_step_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.logit_step_state IS 'One pass of a logistic fit at given coefficients: information matrix, score, log-likelihood, counts; base64 text form';
COMMENT ON FUNCTION loan_risk.logit_step_state_in(cstring) IS 'Text input of loan_risk.logit_step_state, validated';
COMMENT ON FUNCTION loan_risk.logit_step_state_out(loan_risk.logit_step_state) IS 'Text output of loan_risk.logit_step_state (base64)';
COMMENT ON FUNCTION loan_risk.logit_step_state_recv(internal) IS 'Binary input of loan_risk.logit_step_state, validated';
COMMENT ON FUNCTION loan_risk.logit_step_state_send(loan_risk.logit_step_state) IS 'Binary output of loan_risk.logit_step_state';

CREATE FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], boolean, float8, float8, VARIADIC "any")
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'logit_step_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], integer, float8, float8, VARIADIC "any")
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'logit_step_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], boolean, VARIADIC "any")
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'woe_step_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], integer, VARIADIC "any")
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'woe_step_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.logit_step_combine(loan_risk.logit_step_state, loan_risk.logit_step_state)
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'logit_step_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], boolean, float8, float8, "any") IS 'Transition function of loan_risk.logit_step_partial';
COMMENT ON FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], integer, float8, float8, "any") IS 'Transition function of loan_risk.logit_step_partial (0/1 outcome)';
COMMENT ON FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], boolean, "any") IS 'Transition function of loan_risk.woe_step_partial';
COMMENT ON FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], integer, "any") IS 'Transition function of loan_risk.woe_step_partial (0/1 outcome)';
COMMENT ON FUNCTION loan_risk.logit_step_combine(loan_risk.logit_step_state, loan_risk.logit_step_state) IS 'Combine function of the logistic step aggregates';

CREATE AGGREGATE loan_risk.logit_step_partial(coefficients float8[], is_bad boolean, weight float8,
                                              "offset" float8, VARIADIC features "any") (
  SFUNC = loan_risk.logit_step_trans, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.logit_step_partial(coefficients float8[], is_bad integer, weight float8,
                                              "offset" float8, VARIADIC features "any") (
  SFUNC = loan_risk.logit_step_trans, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.woe_step_partial(card loan_risk.scorecard, coefficients float8[], is_bad boolean,
                                            VARIADIC features "any") (
  SFUNC = loan_risk.woe_step_trans, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.woe_step_partial(card loan_risk.scorecard, coefficients float8[], is_bad integer,
                                            VARIADIC features "any") (
  SFUNC = loan_risk.woe_step_trans, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.logit_step_merge(loan_risk.logit_step_state) (
  SFUNC = loan_risk.logit_step_combine, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.logit_step_partial(float8[], boolean, float8, float8, "any") IS 'One Newton (IRLS) pass of a logistic fit at the given coefficients (intercept first) over numeric features';
COMMENT ON AGGREGATE loan_risk.logit_step_partial(float8[], integer, float8, float8, "any") IS 'One Newton (IRLS) pass with a 0/1 outcome (1 = bad)';
COMMENT ON AGGREGATE loan_risk.woe_step_partial(loan_risk.scorecard, float8[], boolean, "any") IS 'One Newton (IRLS) pass over raw features coded to the WOE of their bin in the card (one column per card feature, in order)';
COMMENT ON AGGREGATE loan_risk.woe_step_partial(loan_risk.scorecard, float8[], integer, "any") IS 'One Newton (IRLS) pass over WOE-coded features with a 0/1 outcome (1 = bad)';
COMMENT ON AGGREGATE loan_risk.logit_step_merge(loan_risk.logit_step_state) IS 'Merges logistic step states of one pass (of shards or groups)';

CREATE FUNCTION loan_risk.logit_step_info(state loan_risk.logit_step_state) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'logit_step_info' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.logit_step_info(loan_risk.logit_step_state) IS 'The sums of a logistic step: rows, log-likelihood, score vector and information matrix';

CREATE FUNCTION loan_risk.logistic_fit(source text, target text, features text[], options jsonb DEFAULT '{}')
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'logistic_fit' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION loan_risk.logistic_fit(text, text, text[], jsonb) IS 'Logistic regression of a 0/1 target on numeric features of a table or query by IRLS passes: coefficients, standard errors, z, p-values, log-likelihood, AIC, BIC';

-- ---- From a table to a scorecard.
CREATE FUNCTION loan_risk.train_scorecard(source text, target text, features text[] DEFAULT NULL,
                                          options jsonb DEFAULT '{}')
  RETURNS loan_risk.scorecard
  AS 'MODULE_PATHNAME', 'train_scorecard' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION loan_risk.train_scorecard(text, text, text[], jsonb) IS 'Trains a scorecard from a table or query: optimal binning, feature selection, logistic fit on WOE, scaling; the card carries its statistics for audit';

-- ---- src/sql/60_credit.sql
-- Credit decisions: limits, limit adjustment, risk-based pricing, repayment
-- schedules, APR and daily interest.
-- C: src/credit/.  Reference: doc/decisions.md.

-- ---- Limits
CREATE TYPE loan_risk.credit_limit_result AS (
  approved boolean,
  limit_amount numeric,
  binding_constraint text,
  revenue_limit numeric,
  debt_service_limit numeric,
  reason text
);
COMMENT ON TYPE loan_risk.credit_limit_result IS
  'Result of loan_risk.credit_limit: approved, the limit (0 when declined), the binding constraint (revenue_multiple, debt_service, max_limit, min_limit or pd_band), the revenue and debt-service caps, and a reason';

CREATE FUNCTION loan_risk.credit_limit(pd float8, monthly_revenue numeric, existing_debt numeric, policy jsonb)
  RETURNS loan_risk.credit_limit_result
  AS 'MODULE_PATHNAME', 'credit_limit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.credit_limit(float8, numeric, numeric, jsonb) IS
  'Credit limit from PD bands (revenue multiple), a debt-service cap, minimum, maximum and rounding step of a jsonb policy (doc/decisions.md)';

CREATE TYPE loan_risk.limit_adjustment AS (
  new_limit numeric,
  action text,
  rule text,
  reason text
);
COMMENT ON TYPE loan_risk.limit_adjustment IS
  'Result of loan_risk.adjust_limit: the new limit, the action (increase, decrease, hold, freeze), the rule that decided and a reason';

CREATE FUNCTION loan_risk.adjust_limit(current_limit numeric, utilisation float8, max_days_past_due integer,
                                       pd_at_grant float8, pd_now float8, months_on_book integer, policy jsonb)
  RETURNS loan_risk.limit_adjustment
  AS 'MODULE_PATHNAME', 'adjust_limit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.adjust_limit(current_limit numeric, utilisation float8, max_days_past_due integer,
                                       pd_at_grant float8, pd_now float8, months_on_book integer, policy jsonb,
                                       months_since_change integer)
  RETURNS loan_risk.limit_adjustment
  AS 'MODULE_PATHNAME', 'adjust_limit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.adjust_limit(numeric, float8, integer, float8, float8, integer, jsonb) IS
  'Limit review of a line: freeze on delinquency, decrease on risk, increase when eligible, else hold (jsonb policy, doc/decisions.md)';
COMMENT ON FUNCTION loan_risk.adjust_limit(numeric, float8, integer, float8, float8, integer, jsonb, integer) IS
  'Limit review of a line whose limit last changed months_since_change months ago (the cool-down counts from then)';

-- ---- Pricing
CREATE TYPE loan_risk.loan_price AS (
  approved boolean,
  annual_rate numeric,
  capped boolean,
  required_rate numeric,
  cost_of_funds numeric,
  acquisition_cost numeric,
  credit_data_cost numeric,
  expected_loss numeric,
  operating_cost numeric,
  management_cost numeric,
  target_margin numeric,
  margin numeric,
  reason text
);
COMMENT ON TYPE loan_risk.loan_price IS
  'Result of loan_risk.price_loan: the offered annual rate (NULL when declined), whether the APR cap applied, the required rate and its annual components, the margin left, and a reason';

CREATE FUNCTION loan_risk.price_loan(pd float8, lgd float8, term_months integer, policy jsonb)
  RETURNS loan_risk.loan_price
  AS 'MODULE_PATHNAME', 'price_loan' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.price_loan(float8, float8, integer, jsonb) IS
  'Risk-based annual rate: cost of funds, acquisition and credit-data cost, expected loss, operating and management cost, target margin, with the APR cap of a jsonb policy (doc/decisions.md)';

-- ---- Schedules
CREATE FUNCTION loan_risk.repayment_schedule(principal numeric, annual_rate numeric, term_months integer,
                                             method text, start_date date DEFAULT current_date)
  RETURNS TABLE (period integer, due_date date, payment numeric, principal_part numeric,
                 interest_part numeric, balance numeric)
  AS 'MODULE_PATHNAME', 'repayment_schedule' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 12;
COMMENT ON FUNCTION loan_risk.repayment_schedule(numeric, numeric, integer, text, date) IS
  'Monthly repayment schedule in exact cents: equal_installment, equal_principal, interest_only or flat; principal parts sum to the principal and the balance ends at 0';

CREATE TYPE loan_risk.schedule_apr_result AS (
  periodic_rate numeric,
  nominal_apr numeric,
  effective_apr numeric
);
COMMENT ON TYPE loan_risk.schedule_apr_result IS
  'Result of loan_risk.schedule_apr: the periodic internal rate of return, the nominal APR (periodic rate x periods per year) and the effective annual rate, to 10 decimals';

CREATE FUNCTION loan_risk.schedule_apr(principal numeric, annual_rate numeric, term_months integer, method text,
                                       upfront_fee numeric DEFAULT 0)
  RETURNS loan_risk.schedule_apr_result
  AS 'MODULE_PATHNAME', 'schedule_apr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.schedule_apr(numeric, numeric, integer, text, numeric) IS
  'True APR of the schedule repayment_schedule builds, with an upfront fee deducted from the amount paid out: periodic IRR, nominal and effective annual rate';

CREATE FUNCTION loan_risk.schedule_apr(amount_financed numeric, payments numeric[], periods_per_year integer DEFAULT 12)
  RETURNS loan_risk.schedule_apr_result
  AS 'MODULE_PATHNAME', 'schedule_apr_payments' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.schedule_apr(numeric, numeric[], integer) IS
  'True APR of a schedule given as the amount paid out and one payment per period: periodic IRR, nominal and effective annual rate';

-- ---- APR of dated cash flows (XIRR-style, actual/365)
CREATE TYPE loan_risk.apr_state;
CREATE FUNCTION loan_risk.apr_state_in(cstring) RETURNS loan_risk.apr_state
  AS 'MODULE_PATHNAME', 'apr_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.apr_state_out(loan_risk.apr_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'apr_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.apr_state_recv(internal) RETURNS loan_risk.apr_state
  AS 'MODULE_PATHNAME', 'apr_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.apr_state_send(loan_risk.apr_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'apr_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.apr_state (
  INPUT = loan_risk.apr_state_in, OUTPUT = loan_risk.apr_state_out,
  RECEIVE = loan_risk.apr_state_recv, SEND = loan_risk.apr_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.apr_state IS 'Partial state of loan_risk.apr: the cash flows (base64 text form)';
COMMENT ON FUNCTION loan_risk.apr_state_in(cstring) IS 'Text input of loan_risk.apr_state, validated';
COMMENT ON FUNCTION loan_risk.apr_state_out(loan_risk.apr_state) IS 'Text output of loan_risk.apr_state (base64)';
COMMENT ON FUNCTION loan_risk.apr_state_recv(internal) IS 'Binary input of loan_risk.apr_state, validated';
COMMENT ON FUNCTION loan_risk.apr_state_send(loan_risk.apr_state) IS 'Binary output of loan_risk.apr_state';

CREATE FUNCTION loan_risk.apr_trans(loan_risk.apr_state, numeric, date) RETURNS loan_risk.apr_state
  AS 'MODULE_PATHNAME', 'apr_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.apr_combine(loan_risk.apr_state, loan_risk.apr_state) RETURNS loan_risk.apr_state
  AS 'MODULE_PATHNAME', 'apr_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.apr_final(loan_risk.apr_state) RETURNS numeric
  AS 'MODULE_PATHNAME', 'apr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.apr_trans(loan_risk.apr_state, numeric, date) IS 'Transition function of loan_risk.apr';
COMMENT ON FUNCTION loan_risk.apr_combine(loan_risk.apr_state, loan_risk.apr_state) IS 'Combine function of loan_risk.apr';
COMMENT ON FUNCTION loan_risk.apr_final(loan_risk.apr_state) IS 'Final function of loan_risk.apr';

CREATE AGGREGATE loan_risk.apr(amount numeric, paid_on date) (
  SFUNC = loan_risk.apr_trans, STYPE = loan_risk.apr_state,
  COMBINEFUNC = loan_risk.apr_combine, FINALFUNC = loan_risk.apr_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.apr(numeric, date) IS
  'Annual percentage rate of dated cash flows (money lent negative, repayments and fees positive) by internal rate of return, actual/365 like XIRR, to 10 decimals';
CREATE AGGREGATE loan_risk.apr_partial(amount numeric, paid_on date) (
  SFUNC = loan_risk.apr_trans, STYPE = loan_risk.apr_state,
  COMBINEFUNC = loan_risk.apr_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.apr_merge(loan_risk.apr_state) (
  SFUNC = loan_risk.apr_combine, STYPE = loan_risk.apr_state,
  COMBINEFUNC = loan_risk.apr_combine, FINALFUNC = loan_risk.apr_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.apr_partial(numeric, date) IS 'Partial state of loan_risk.apr, to merge with apr_merge';
COMMENT ON AGGREGATE loan_risk.apr_merge(loan_risk.apr_state) IS 'APR from partial states';

-- ---- Daily interest of a revolving line
CREATE TYPE loan_risk.daily_interest_state;
CREATE FUNCTION loan_risk.daily_interest_state_in(cstring) RETURNS loan_risk.daily_interest_state
  AS 'MODULE_PATHNAME', 'daily_interest_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.daily_interest_state_out(loan_risk.daily_interest_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'daily_interest_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.daily_interest_state_recv(internal) RETURNS loan_risk.daily_interest_state
  AS 'MODULE_PATHNAME', 'daily_interest_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.daily_interest_state_send(loan_risk.daily_interest_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'daily_interest_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.daily_interest_state (
  INPUT = loan_risk.daily_interest_state_in, OUTPUT = loan_risk.daily_interest_state_out,
  RECEIVE = loan_risk.daily_interest_state_recv, SEND = loan_risk.daily_interest_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.daily_interest_state IS 'Partial state of loan_risk.daily_interest: rate, as_of and events (base64 text form)';
COMMENT ON FUNCTION loan_risk.daily_interest_state_in(cstring) IS 'Text input of loan_risk.daily_interest_state, validated';
COMMENT ON FUNCTION loan_risk.daily_interest_state_out(loan_risk.daily_interest_state) IS 'Text output of loan_risk.daily_interest_state (base64)';
COMMENT ON FUNCTION loan_risk.daily_interest_state_recv(internal) IS 'Binary input of loan_risk.daily_interest_state, validated';
COMMENT ON FUNCTION loan_risk.daily_interest_state_send(loan_risk.daily_interest_state) IS 'Binary output of loan_risk.daily_interest_state';

CREATE FUNCTION loan_risk.daily_interest_trans(loan_risk.daily_interest_state, numeric, date, numeric, date)
  RETURNS loan_risk.daily_interest_state
  AS 'MODULE_PATHNAME', 'daily_interest_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.daily_interest_combine(loan_risk.daily_interest_state, loan_risk.daily_interest_state)
  RETURNS loan_risk.daily_interest_state
  AS 'MODULE_PATHNAME', 'daily_interest_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.daily_interest_final(loan_risk.daily_interest_state) RETURNS numeric
  AS 'MODULE_PATHNAME', 'daily_interest_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.daily_interest_trans(loan_risk.daily_interest_state, numeric, date, numeric, date) IS 'Transition function of loan_risk.daily_interest';
COMMENT ON FUNCTION loan_risk.daily_interest_combine(loan_risk.daily_interest_state, loan_risk.daily_interest_state) IS 'Combine function of loan_risk.daily_interest';
COMMENT ON FUNCTION loan_risk.daily_interest_final(loan_risk.daily_interest_state) IS 'Final function of loan_risk.daily_interest';

CREATE AGGREGATE loan_risk.daily_interest(amount numeric, on_date date, daily_rate numeric, as_of date) (
  SFUNC = loan_risk.daily_interest_trans, STYPE = loan_risk.daily_interest_state,
  COMBINEFUNC = loan_risk.daily_interest_combine, FINALFUNC = loan_risk.daily_interest_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.daily_interest(numeric, date, numeric, date) IS
  'Interest of a revolving line: each day before as_of accrues daily_rate on the end-of-day balance of draws (positive) and repayments (negative); the exact total rounded once to the cent';
CREATE AGGREGATE loan_risk.daily_interest_partial(amount numeric, on_date date, daily_rate numeric, as_of date) (
  SFUNC = loan_risk.daily_interest_trans, STYPE = loan_risk.daily_interest_state,
  COMBINEFUNC = loan_risk.daily_interest_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.daily_interest_merge(loan_risk.daily_interest_state) (
  SFUNC = loan_risk.daily_interest_combine, STYPE = loan_risk.daily_interest_state,
  COMBINEFUNC = loan_risk.daily_interest_combine, FINALFUNC = loan_risk.daily_interest_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.daily_interest_partial(numeric, date, numeric, date) IS 'Partial state of loan_risk.daily_interest, to merge with daily_interest_merge';
COMMENT ON AGGREGATE loan_risk.daily_interest_merge(loan_risk.daily_interest_state) IS 'Daily interest from partial states';

-- ---- src/sql/70_matching.sql
-- Bank-product matching: eligibility rules in four dimensions, approval
-- probabilities from each product's scorecard, offers ranked by cost, and
-- explanations for every product.
-- C: src/matching/.  Reference: doc/matching.md.

CREATE FUNCTION loan_risk.check_match_rules(rules jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'check_match_rules' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.check_match_rules(jsonb) IS
  'Validates a product''s matching rules (doc/matching.md) and returns their canonical form; errors name the JSON path';

-- The products argument is a table name or a query, run with the caller's
-- rights once per statement (the compiled products are cached per snapshot).
CREATE FUNCTION loan_risk.match_products(applicant record, products text,
                                         min_probability float8 DEFAULT 0.8,
                                         max_results integer DEFAULT 3,
                                         requested_amount numeric DEFAULT NULL,
                                         requested_term integer DEFAULT NULL,
                                         order_by text DEFAULT 'total_cost')
  RETURNS TABLE (rank integer, product_id text, bank text, product_type text,
                 approval_probability float8, rate numeric, amount numeric, term_months integer,
                 monthly_payment numeric, total_cost numeric)
  AS 'MODULE_PATHNAME', 'match_products' LANGUAGE C STABLE PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION loan_risk.match_products(record, text, float8, integer, numeric, integer, text) IS
  'Products (table or query) whose rules the applicant row passes and whose approval probability (1 - pd of the product''s scorecard) reaches min_probability, ranked by lowest total cost (or monthly_payment, rate, probability), with the offered rate and schedule figures';

CREATE FUNCTION loan_risk.explain_match(applicant record, products text,
                                        min_probability float8 DEFAULT 0.8,
                                        requested_amount numeric DEFAULT NULL,
                                        requested_term integer DEFAULT NULL)
  RETURNS TABLE (product_id text, bank text, product_type text, eligible boolean,
                 approval_probability float8, decision text, failed_rules jsonb, detail text)
  AS 'MODULE_PATHNAME', 'explain_match' LANGUAGE C STABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION loan_risk.explain_match(record, text, float8, numeric, integer) IS
  'Every product with the applicant''s eligibility, each failed rule (dimension, reason, column, value), the approval probability and the decision (recommended, below_threshold, not_eligible, no_model, cannot_score)';

CREATE FUNCTION loan_risk.match_products_batch(applicants text, products text,
                                               min_probability float8 DEFAULT 0.8,
                                               max_results integer DEFAULT 3,
                                               id_column text DEFAULT 'applicant_id',
                                               amount_column text DEFAULT NULL,
                                               term_column text DEFAULT NULL,
                                               order_by text DEFAULT 'total_cost')
  RETURNS TABLE (applicant_id text, rank integer, product_id text, bank text, product_type text,
                 approval_probability float8, rate numeric, amount numeric, term_months integer,
                 monthly_payment numeric, total_cost numeric)
  AS 'MODULE_PATHNAME', 'match_products_batch' LANGUAGE C VOLATILE ROWS 100000;
COMMENT ON FUNCTION loan_risk.match_products_batch(text, text, float8, integer, text, text, text, text) IS
  'match_products for every applicant of a table or query at once, in loan_risk.max_threads OpenMP threads; the same results as row by row';

-- ---- src/sql/80_portfolio.sql
-- Portfolio monitoring (vintage, roll rates, NPL and early warning,
-- collections routing), the ROC / KS curve of a score distribution, and the
-- validation report.
-- C: src/portfolio/.  Reference: doc/monitoring.md, doc/report.md.
--
-- Inputs are queries (text) run read-only with the caller's rights; outputs
-- are rows a BI tool can pivot.  The functions read tables through the given
-- queries, so they are VOLATILE, and they run in the calling backend
-- (PARALLEL UNSAFE), while the input queries themselves may use parallel
-- workers.

CREATE FUNCTION loan_risk.vintage(loans_sql text, performance_sql text, options jsonb DEFAULT '{}')
  RETURNS TABLE (segment text, cohort date, months_on_book integer, loans bigint, amount numeric,
                 bad_loans bigint, bad_amount numeric, bad_rate float8, bad_amount_rate float8)
  AS 'MODULE_PATHNAME', 'vintage' LANGUAGE C VOLATILE STRICT ROWS 1000;
COMMENT ON FUNCTION loan_risk.vintage(text, text, jsonb) IS
  'Vintage curves: per segment, origination cohort and months on book, the loans observed and the cumulative count and amount of those gone bad (ever bad_dpd+ days past due or written off); loans_sql returns (loan_id, origination, amount [, segment]), performance_sql (loan_id, month, days_past_due, balance [, status [, segment]])';

CREATE FUNCTION loan_risk.roll_rates(performance_sql text, options jsonb DEFAULT '{}')
  RETURNS TABLE (month date, segment text, from_bucket text, to_bucket text, from_order integer,
                 to_order integer, loans bigint, balance numeric, from_loans bigint, from_balance numeric,
                 loan_rate float8, balance_rate float8)
  AS 'MODULE_PATHNAME', 'roll_rates' LANGUAGE C VOLATILE STRICT ROWS 1000;
COMMENT ON FUNCTION loan_risk.roll_rates(text, jsonb) IS
  'Roll rates: transitions between delinquency buckets (current, 1-29, 30-59, 60-89, 90+, written_off, closed) from each month to the next, per segment, in loans and in balance of the first month, with the rates over the bucket''s loans and balance';

CREATE FUNCTION loan_risk.npl_summary(performance_sql text, options jsonb DEFAULT '{}')
  RETURNS TABLE (period date, as_of date, segment text, loans bigint, balance numeric,
                 delinquent_balance numeric, par30_balance numeric, npl_loans bigint, npl_balance numeric,
                 npl_ratio float8, par30_ratio float8, entered_npl_loans bigint, entered_npl_balance numeric,
                 written_off_loans bigint, written_off_balance numeric, early_delinquency_rate float8,
                 cure_rate float8)
  AS 'MODULE_PATHNAME', 'npl_summary' LANGUAGE C VOLATILE STRICT ROWS 100;
COMMENT ON FUNCTION loan_risk.npl_summary(text, jsonb) IS
  'NPL and early-warning figures per period (month, quarter, year) and segment: open balance, balance 1+, 30+ and npl_dpd+ days past due at the period''s last month, NPL and PAR30 ratios, loans entering NPL, write-offs, early delinquency and cure rates';

CREATE FUNCTION loan_risk.assign_cases(cases_sql text, queues_sql text, options jsonb DEFAULT '{}')
  RETURNS TABLE (case_id bigint, queue text, queue_rank integer, priority bigint, expected_loss float8,
                 preferred_queue text)
  AS 'MODULE_PATHNAME', 'assign_cases' LANGUAGE C VOLATILE STRICT ROWS 1000;
COMMENT ON FUNCTION loan_risk.assign_cases(text, text, jsonb) IS
  'Collections routing: cases (case_id, balance, roll_forward_risk [, days_past_due]) in priority order (expected loss = risk x balance, descending) each to the first queue by rank (queue, rank, capacity, min_risk, min_balance [, min_dpd]) it is eligible for and that has room';

CREATE FUNCTION loan_risk.roc_curve(state loan_risk.score_dist_state)
  RETURNS TABLE (risk float8, goods bigint, bads bigint, cum_goods bigint, cum_bads bigint,
                 fpr float8, tpr float8, ks float8)
  AS 'MODULE_PATHNAME', 'roc_curve' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION loan_risk.roc_curve(loan_risk.score_dist_state) IS
  'ROC and KS curve of a score distribution state (auc_partial and the like): per distinct risk value, riskiest first, the goods and bads at it and at or above it, FPR, TPR and TPR - FPR (its largest absolute value is ks())';

CREATE FUNCTION loan_risk.validation_report(card loan_risk.scorecard, data_sql text, options jsonb DEFAULT '{}')
  RETURNS text
  AS 'MODULE_PATHNAME', 'validation_report' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION loan_risk.validation_report(loan_risk.scorecard, text, jsonb) IS
  'Validation report of a scorecard on the rows of data_sql as a self-contained HTML page (inline SVG, no script): ROC and KS curves, score distributions, calibration, gains table, bins and points, PSI/CSI between baseline and recent rows, training statistics';

-- ---- src/sql/90_antifraud.sql
-- Anti-fraud: isolation forests trained in the database, peer-group robust
-- z-scores, identifier checks.  C: src/antifraud/.  Reference: doc/antifraud.md.

-- ---- The loan_risk.iforest type
CREATE TYPE loan_risk.iforest;

CREATE FUNCTION loan_risk.iforest_in(cstring) RETURNS loan_risk.iforest
  AS 'MODULE_PATHNAME', 'iforest_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_out(loan_risk.iforest) RETURNS cstring
  AS 'MODULE_PATHNAME', 'iforest_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_recv(internal) RETURNS loan_risk.iforest
  AS 'MODULE_PATHNAME', 'iforest_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_send(loan_risk.iforest) RETURNS bytea
  AS 'MODULE_PATHNAME', 'iforest_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE loan_risk.iforest (
  INPUT = loan_risk.iforest_in,
  OUTPUT = loan_risk.iforest_out,
  RECEIVE = loan_risk.iforest_recv,
  SEND = loan_risk.iforest_send,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = int4,
  STORAGE = extended
);

COMMENT ON TYPE loan_risk.iforest IS
  'An isolation forest as a value: JSON text form (format loan_risk.iforest/1), validated on input';
COMMENT ON FUNCTION loan_risk.iforest_in(cstring) IS 'Text input of loan_risk.iforest: validates the JSON model and every tree';
COMMENT ON FUNCTION loan_risk.iforest_out(loan_risk.iforest) IS 'Text output of loan_risk.iforest: canonical JSON';
COMMENT ON FUNCTION loan_risk.iforest_recv(internal) IS 'Binary input of loan_risk.iforest, validated like text input';
COMMENT ON FUNCTION loan_risk.iforest_send(loan_risk.iforest) IS 'Binary output of loan_risk.iforest';

CREATE CAST (loan_risk.iforest AS jsonb) WITH INOUT AS ASSIGNMENT;
CREATE CAST (jsonb AS loan_risk.iforest) WITH INOUT;

CREATE FUNCTION loan_risk.anomaly_score(model loan_risk.iforest, applicant record) RETURNS float8
  AS 'MODULE_PATHNAME', 'anomaly_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 200;
COMMENT ON FUNCTION loan_risk.anomaly_score(loan_risk.iforest, record) IS
  'Isolation forest anomaly score of one row, 2^(-E(h)/c(sample_size)) in (0, 1], features found by column name; NULL or NaN features follow both branches weighted by training fractions';

CREATE FUNCTION loan_risk.anomaly_path_length(model loan_risk.iforest, applicant record) RETURNS float8
  AS 'MODULE_PATHNAME', 'anomaly_path_length' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 200;
COMMENT ON FUNCTION loan_risk.anomaly_path_length(loan_risk.iforest, record) IS
  'Mean path length E(h) of one row over the trees of an isolation forest (shorter is more anomalous)';

-- ---- Training: iforest_train(key, row, features[, options])
CREATE TYPE loan_risk.iforest_train_state;
CREATE FUNCTION loan_risk.iforest_train_state_in(cstring) RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_state_out(loan_risk.iforest_train_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'iforest_train_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_state_recv(internal) RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_state_send(loan_risk.iforest_train_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'iforest_train_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.iforest_train_state (
  INPUT = loan_risk.iforest_train_state_in, OUTPUT = loan_risk.iforest_train_state_out,
  RECEIVE = loan_risk.iforest_train_state_recv, SEND = loan_risk.iforest_train_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.iforest_train_state IS
  'Partial state of loan_risk.iforest_train: options, feature names and a bottom-k row sample (base64 text form)';
COMMENT ON FUNCTION loan_risk.iforest_train_state_in(cstring) IS 'Text input of loan_risk.iforest_train_state, validated';
COMMENT ON FUNCTION loan_risk.iforest_train_state_out(loan_risk.iforest_train_state) IS 'Text output of loan_risk.iforest_train_state (base64)';
COMMENT ON FUNCTION loan_risk.iforest_train_state_recv(internal) IS 'Binary input of loan_risk.iforest_train_state, validated';
COMMENT ON FUNCTION loan_risk.iforest_train_state_send(loan_risk.iforest_train_state) IS 'Binary output of loan_risk.iforest_train_state';

CREATE FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, anyelement, record, text[])
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, anyelement, record, text[], jsonb)
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_combine(loan_risk.iforest_train_state, loan_risk.iforest_train_state)
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_final(loan_risk.iforest_train_state) RETURNS loan_risk.iforest
  AS 'MODULE_PATHNAME', 'iforest_train_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, anyelement, record, text[]) IS
  'Transition function of loan_risk.iforest_train';
COMMENT ON FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, anyelement, record, text[], jsonb) IS
  'Transition function of loan_risk.iforest_train (with options)';
COMMENT ON FUNCTION loan_risk.iforest_train_combine(loan_risk.iforest_train_state, loan_risk.iforest_train_state) IS
  'Combine function of loan_risk.iforest_train: the bottom-k sample of both';
COMMENT ON FUNCTION loan_risk.iforest_train_final(loan_risk.iforest_train_state) IS
  'Final function of loan_risk.iforest_train: grows the trees from the sample';

CREATE AGGREGATE loan_risk.iforest_train(key anyelement, applicant record, features text[]) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.iforest_train(key anyelement, applicant record, features text[], options jsonb) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train(anyelement, record, text[]) IS
  'Isolation forest trained on the rows (100 trees of 256 rows, seed 0): deterministic for a seed, whatever the plan';
COMMENT ON AGGREGATE loan_risk.iforest_train(anyelement, record, text[], jsonb) IS
  'Isolation forest trained on the rows with options {"seed", "trees", "sample_size", "reservoir", "name"}';

CREATE AGGREGATE loan_risk.iforest_train_partial(key anyelement, applicant record, features text[]) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.iforest_train_partial(key anyelement, applicant record, features text[], options jsonb) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.iforest_train_merge(loan_risk.iforest_train_state) (
  SFUNC = loan_risk.iforest_train_combine, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train_partial(anyelement, record, text[]) IS
  'Partial sample of loan_risk.iforest_train, to merge with iforest_train_merge';
COMMENT ON AGGREGATE loan_risk.iforest_train_partial(anyelement, record, text[], jsonb) IS
  'Partial sample of loan_risk.iforest_train with options, to merge with iforest_train_merge';
COMMENT ON AGGREGATE loan_risk.iforest_train_merge(loan_risk.iforest_train_state) IS
  'Isolation forest grown from merged partial samples';

-- ---- Peer-group robust statistics: robust_stats(value [, exact_limit]) and robust_z
CREATE TYPE loan_risk.robust_summary AS (
  n bigint, median float8, mad float8, mean_abs_dev float8, exact boolean);
COMMENT ON TYPE loan_risk.robust_summary IS
  'Robust centre and spread of a group: count, median, median absolute deviation, mean absolute deviation around the median, and whether they are exact';

CREATE TYPE loan_risk.robust_stats_state;
CREATE FUNCTION loan_risk.robust_stats_state_in(cstring) RETURNS loan_risk.robust_stats_state
  AS 'MODULE_PATHNAME', 'robust_stats_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.robust_stats_state_out(loan_risk.robust_stats_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'robust_stats_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.robust_stats_state_recv(internal) RETURNS loan_risk.robust_stats_state
  AS 'MODULE_PATHNAME', 'robust_stats_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loan_risk.robust_stats_state_send(loan_risk.robust_stats_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'robust_stats_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE loan_risk.robust_stats_state (
  INPUT = loan_risk.robust_stats_state_in, OUTPUT = loan_risk.robust_stats_state_out,
  RECEIVE = loan_risk.robust_stats_state_recv, SEND = loan_risk.robust_stats_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended
);
COMMENT ON TYPE loan_risk.robust_stats_state IS
  'Partial state of loan_risk.robust_stats: exact values up to the limit, then a relative-error sketch (base64 text form)';
COMMENT ON FUNCTION loan_risk.robust_stats_state_in(cstring) IS 'Text input of loan_risk.robust_stats_state, validated';
COMMENT ON FUNCTION loan_risk.robust_stats_state_out(loan_risk.robust_stats_state) IS 'Text output of loan_risk.robust_stats_state (base64)';
COMMENT ON FUNCTION loan_risk.robust_stats_state_recv(internal) IS 'Binary input of loan_risk.robust_stats_state, validated';
COMMENT ON FUNCTION loan_risk.robust_stats_state_send(loan_risk.robust_stats_state) IS 'Binary output of loan_risk.robust_stats_state';

CREATE FUNCTION loan_risk.robust_stats_trans(loan_risk.robust_stats_state, float8) RETURNS loan_risk.robust_stats_state
  AS 'MODULE_PATHNAME', 'robust_stats_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.robust_stats_trans(loan_risk.robust_stats_state, float8, integer) RETURNS loan_risk.robust_stats_state
  AS 'MODULE_PATHNAME', 'robust_stats_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.robust_stats_combine(loan_risk.robust_stats_state, loan_risk.robust_stats_state) RETURNS loan_risk.robust_stats_state
  AS 'MODULE_PATHNAME', 'robust_stats_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.robust_stats_final(loan_risk.robust_stats_state) RETURNS loan_risk.robust_summary
  AS 'MODULE_PATHNAME', 'robust_stats_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.robust_stats_trans(loan_risk.robust_stats_state, float8) IS 'Transition function of loan_risk.robust_stats';
COMMENT ON FUNCTION loan_risk.robust_stats_trans(loan_risk.robust_stats_state, float8, integer) IS 'Transition function of loan_risk.robust_stats (with an exact limit)';
COMMENT ON FUNCTION loan_risk.robust_stats_combine(loan_risk.robust_stats_state, loan_risk.robust_stats_state) IS 'Combine function of loan_risk.robust_stats';
COMMENT ON FUNCTION loan_risk.robust_stats_final(loan_risk.robust_stats_state) IS 'Final function of loan_risk.robust_stats';

CREATE AGGREGATE loan_risk.robust_stats(value float8) (
  SFUNC = loan_risk.robust_stats_trans, STYPE = loan_risk.robust_stats_state,
  COMBINEFUNC = loan_risk.robust_stats_combine, FINALFUNC = loan_risk.robust_stats_final, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.robust_stats(value float8, exact_limit integer) (
  SFUNC = loan_risk.robust_stats_trans, STYPE = loan_risk.robust_stats_state,
  COMBINEFUNC = loan_risk.robust_stats_combine, FINALFUNC = loan_risk.robust_stats_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.robust_stats(float8) IS
  'Median, MAD and mean absolute deviation of the values (NULL and NaN skipped): exact up to 100000 values, then within relative error 1e-4';
COMMENT ON AGGREGATE loan_risk.robust_stats(float8, integer) IS
  'Median, MAD and mean absolute deviation of the values: exact up to exact_limit values, then within relative error 1e-4';

CREATE AGGREGATE loan_risk.robust_stats_partial(value float8) (
  SFUNC = loan_risk.robust_stats_trans, STYPE = loan_risk.robust_stats_state,
  COMBINEFUNC = loan_risk.robust_stats_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.robust_stats_partial(value float8, exact_limit integer) (
  SFUNC = loan_risk.robust_stats_trans, STYPE = loan_risk.robust_stats_state,
  COMBINEFUNC = loan_risk.robust_stats_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.robust_stats_merge(loan_risk.robust_stats_state) (
  SFUNC = loan_risk.robust_stats_combine, STYPE = loan_risk.robust_stats_state,
  COMBINEFUNC = loan_risk.robust_stats_combine, FINALFUNC = loan_risk.robust_stats_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.robust_stats_partial(float8) IS 'Partial state of loan_risk.robust_stats, to merge with robust_stats_merge';
COMMENT ON AGGREGATE loan_risk.robust_stats_partial(float8, integer) IS 'Partial state of loan_risk.robust_stats with an exact limit, to merge with robust_stats_merge';
COMMENT ON AGGREGATE loan_risk.robust_stats_merge(loan_risk.robust_stats_state) IS 'Robust statistics from partial states';

CREATE FUNCTION loan_risk.robust_z(value float8, median float8, mad float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'robust_z' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.robust_z(float8, float8, float8) IS
  'Modified z-score 0.6745 * (value - median) / mad; with mad 0 it is 0 at the median and +-Infinity elsewhere';
CREATE FUNCTION loan_risk.robust_z(value float8, stats loan_risk.robust_summary) RETURNS float8
  AS 'MODULE_PATHNAME', 'robust_z_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.robust_z(float8, loan_risk.robust_summary) IS
  'Modified z-score against robust_stats: 0.6745 * (value - median) / mad, or (value - median) / (1.253314 * mean_abs_dev) when mad is 0';

-- ---- Identifiers
CREATE FUNCTION loan_risk.check_resident_id(id text,
    OUT valid boolean, OUT normalized text, OUT region_code text, OUT birth_date date,
    OUT sex text, OUT reason text)
  AS 'MODULE_PATHNAME', 'check_resident_id' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.check_resident_id(text) IS
  'Checks an 18-character resident identity number (GB 11643 check character, birth date, province code): valid, normalised form, region code, birth date, sex (M/F) or the reason it is not valid';

CREATE FUNCTION loan_risk.check_credit_code(code text,
    OUT valid boolean, OUT normalized text, OUT registration_authority text, OUT entity_type text,
    OUT region_code text, OUT organization_code text, OUT reason text)
  AS 'MODULE_PATHNAME', 'check_credit_code' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.check_credit_code(text) IS
  'Checks an 18-character unified social credit code (GB 32100 check character): valid, normalised form, decoded parts or the reason it is not valid';

CREATE FUNCTION loan_risk.check_mobile(phone text,
    OUT valid boolean, OUT normalized text, OUT reason text)
  AS 'MODULE_PATHNAME', 'check_mobile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.check_mobile(text) IS
  'Checks a Chinese mainland mobile number (+86 / 0086 prefixes, spaces and dashes removed): valid, 11-digit form or the reason it is not valid';

CREATE FUNCTION loan_risk.check_bank_card(card text,
    OUT valid boolean, OUT normalized text, OUT iin text, OUT reason text)
  AS 'MODULE_PATHNAME', 'check_bank_card' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.check_bank_card(text) IS
  'Checks a bank card number (12 to 19 digits, Luhn): valid, digits, issuer identification number (first six digits) or the reason it is not valid';

CREATE FUNCTION loan_risk.normalize_resident_id(id text) RETURNS text
  AS 'MODULE_PATHNAME', 'normalize_resident_id' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.normalize_resident_id(text) IS
  'The 18-character resident identity number (upper-case X), or NULL if it is not valid: a key for list screening';
CREATE FUNCTION loan_risk.normalize_credit_code(code text) RETURNS text
  AS 'MODULE_PATHNAME', 'normalize_credit_code' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.normalize_credit_code(text) IS
  'The 18-character unified social credit code (upper case), or NULL if it is not valid: a key for list screening';
CREATE FUNCTION loan_risk.normalize_mobile(phone text) RETURNS text
  AS 'MODULE_PATHNAME', 'normalize_mobile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.normalize_mobile(text) IS
  'The 11-digit mobile number, or NULL if it is not valid: a key for list screening';
CREATE FUNCTION loan_risk.normalize_bank_card(card text) RETURNS text
  AS 'MODULE_PATHNAME', 'normalize_bank_card' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.normalize_bank_card(text) IS
  'The digits of a bank card number, or NULL if it is not valid: a key for list screening';
CREATE FUNCTION loan_risk.luhn_valid(digits text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'luhn_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.luhn_valid(text) IS
  'Whether a string of at least two digits (spaces and dashes ignored) passes the Luhn check (cards, IMEI numbers)';
