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
