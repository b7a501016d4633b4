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
COMMENT ON AGGREGATE loan_risk.brier_partial(float8, boolean) IS 'Partial state of loan_risk.brier, to merge with brier_merge';
COMMENT ON AGGREGATE loan_risk.brier_merge(loan_risk.brier_state) IS 'Brier score from partial states';
