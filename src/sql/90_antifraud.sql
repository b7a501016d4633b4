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
