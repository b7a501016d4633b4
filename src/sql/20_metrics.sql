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
