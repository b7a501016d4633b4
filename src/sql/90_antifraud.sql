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

-- ---- Training: iforest_train(key, values, features[, options])
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

CREATE FUNCTION loan_risk.iforest_train_combine(loan_risk.iforest_train_state, loan_risk.iforest_train_state)
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_final(loan_risk.iforest_train_state) RETURNS loan_risk.iforest
  AS 'MODULE_PATHNAME', 'iforest_train_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.iforest_train_combine(loan_risk.iforest_train_state, loan_risk.iforest_train_state) IS
  'Combine function of loan_risk.iforest_train: the bottom-k sample of both';
COMMENT ON FUNCTION loan_risk.iforest_train_final(loan_risk.iforest_train_state) IS
  'Final function of loan_risk.iforest_train: grows the trees from the sample';

CREATE AGGREGATE loan_risk.iforest_train_merge(loan_risk.iforest_train_state) (
  SFUNC = loan_risk.iforest_train_combine, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train_merge(loan_risk.iforest_train_state) IS
  'Isolation forest grown from merged partial samples';

-- iforest_train takes a key of a fixed type (bigint, text or uuid) and the
-- features' values as a float8[] beside their names: concrete argument
-- types, which Citus can split into partial aggregates on its workers.
CREATE FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, bigint, float8[], text[])
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_trans_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, bigint, float8[], text[], jsonb)
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_trans_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, text, float8[], text[])
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_trans_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, text, float8[], text[], jsonb)
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_trans_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, uuid, float8[], text[])
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_trans_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, uuid, float8[], text[], jsonb)
  RETURNS loan_risk.iforest_train_state
  AS 'MODULE_PATHNAME', 'iforest_train_trans_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, bigint, float8[], text[]) IS
  'Transition function of loan_risk.iforest_train (bigint key, values as a float8[])';
COMMENT ON FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, bigint, float8[], text[], jsonb) IS
  'Transition function of loan_risk.iforest_train (bigint key, values as a float8[], with options)';
COMMENT ON FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, text, float8[], text[]) IS
  'Transition function of loan_risk.iforest_train (text key, values as a float8[])';
COMMENT ON FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, text, float8[], text[], jsonb) IS
  'Transition function of loan_risk.iforest_train (text key, values as a float8[], with options)';
COMMENT ON FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, uuid, float8[], text[]) IS
  'Transition function of loan_risk.iforest_train (uuid key, values as a float8[])';
COMMENT ON FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, uuid, float8[], text[], jsonb) IS
  'Transition function of loan_risk.iforest_train (uuid key, values as a float8[], with options)';

CREATE AGGREGATE loan_risk.iforest_train(key bigint, "values" float8[], features text[]) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train(bigint, float8[], text[]) IS
  'Isolation forest trained on the rows (bigint key; values float8[] in the order of the feature names), 100 trees of 256 rows, seed 0';
CREATE AGGREGATE loan_risk.iforest_train_partial(key bigint, "values" float8[], features text[]) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train_partial(bigint, float8[], text[]) IS
  'Partial sample of loan_risk.iforest_train (bigint key, values float8[]), to merge with iforest_train_merge';

CREATE AGGREGATE loan_risk.iforest_train(key bigint, "values" float8[], features text[], options jsonb) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train(bigint, float8[], text[], jsonb) IS
  'Isolation forest trained on the rows (bigint key; values float8[] in the order of the feature names) with options {"seed", "trees", "sample_size", "reservoir", "name"}';
CREATE AGGREGATE loan_risk.iforest_train_partial(key bigint, "values" float8[], features text[], options jsonb) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train_partial(bigint, float8[], text[], jsonb) IS
  'Partial sample of loan_risk.iforest_train (bigint key, values float8[], options), to merge with iforest_train_merge';

CREATE AGGREGATE loan_risk.iforest_train(key text, "values" float8[], features text[]) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train(text, float8[], text[]) IS
  'Isolation forest trained on the rows (text key; values float8[] in the order of the feature names), 100 trees of 256 rows, seed 0';
CREATE AGGREGATE loan_risk.iforest_train_partial(key text, "values" float8[], features text[]) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train_partial(text, float8[], text[]) IS
  'Partial sample of loan_risk.iforest_train (text key, values float8[]), to merge with iforest_train_merge';

CREATE AGGREGATE loan_risk.iforest_train(key text, "values" float8[], features text[], options jsonb) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train(text, float8[], text[], jsonb) IS
  'Isolation forest trained on the rows (text key; values float8[] in the order of the feature names) with options {"seed", "trees", "sample_size", "reservoir", "name"}';
CREATE AGGREGATE loan_risk.iforest_train_partial(key text, "values" float8[], features text[], options jsonb) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train_partial(text, float8[], text[], jsonb) IS
  'Partial sample of loan_risk.iforest_train (text key, values float8[], options), to merge with iforest_train_merge';

CREATE AGGREGATE loan_risk.iforest_train(key uuid, "values" float8[], features text[]) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train(uuid, float8[], text[]) IS
  'Isolation forest trained on the rows (uuid key; values float8[] in the order of the feature names), 100 trees of 256 rows, seed 0';
CREATE AGGREGATE loan_risk.iforest_train_partial(key uuid, "values" float8[], features text[]) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train_partial(uuid, float8[], text[]) IS
  'Partial sample of loan_risk.iforest_train (uuid key, values float8[]), to merge with iforest_train_merge';

CREATE AGGREGATE loan_risk.iforest_train(key uuid, "values" float8[], features text[], options jsonb) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, FINALFUNC = loan_risk.iforest_train_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train(uuid, float8[], text[], jsonb) IS
  'Isolation forest trained on the rows (uuid key; values float8[] in the order of the feature names) with options {"seed", "trees", "sample_size", "reservoir", "name"}';
CREATE AGGREGATE loan_risk.iforest_train_partial(key uuid, "values" float8[], features text[], options jsonb) (
  SFUNC = loan_risk.iforest_train_trans, STYPE = loan_risk.iforest_train_state,
  COMBINEFUNC = loan_risk.iforest_train_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.iforest_train_partial(uuid, float8[], text[], jsonb) IS
  'Partial sample of loan_risk.iforest_train (uuid key, values float8[], options), to merge with iforest_train_merge';

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
