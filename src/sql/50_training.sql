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

CREATE FUNCTION loan_risk.prebin_combine(loan_risk.prebin_state, loan_risk.prebin_state)
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.prebin_combine(loan_risk.prebin_state, loan_risk.prebin_state) IS 'Combine function of loan_risk.prebin_partial';

CREATE AGGREGATE loan_risk.prebin_merge(loan_risk.prebin_state) (
  SFUNC = loan_risk.prebin_combine, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
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
  SET search_path = pg_catalog, pg_temp
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

CREATE FUNCTION loan_risk.logit_step_combine(loan_risk.logit_step_state, loan_risk.logit_step_state)
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'logit_step_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.logit_step_combine(loan_risk.logit_step_state, loan_risk.logit_step_state) IS 'Combine function of the logistic step aggregates';

CREATE AGGREGATE loan_risk.logit_step_merge(loan_risk.logit_step_state) (
  SFUNC = loan_risk.logit_step_combine, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.logit_step_merge(loan_risk.logit_step_state) IS 'Merges logistic step states of one pass (of shards or groups)';

-- The pre-binning and logistic-step aggregates take their features as
-- arrays (float8[] numeric, text[] categorical): concrete argument types, so
-- that Citus can split them into partial aggregates on its workers (it
-- refuses VARIADIC "any").  Everything that changes a state is an argument,
-- never a setting.
CREATE FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], text[])
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_trans_arrays' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], text[])
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_trans_arrays_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], text[], float8[], integer)
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_trans_arrays' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], text[], float8[], integer)
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_trans_arrays_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], text[]) IS 'Transition function of loan_risk.prebin_partial (features as arrays)';
COMMENT ON FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], text[]) IS 'Transition function of loan_risk.prebin_partial (features as arrays, 0/1 outcome)';
COMMENT ON FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], text[], float8[], integer) IS 'Transition function of loan_risk.prebin_partial (features as arrays, exact values, max_distinct)';
COMMENT ON FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], text[], float8[], integer) IS 'Transition function of loan_risk.prebin_partial (features as arrays, exact values, max_distinct, 0/1 outcome)';

CREATE AGGREGATE loan_risk.prebin_partial(is_bad boolean, numeric_features float8[], categorical_features text[]) (
  SFUNC = loan_risk.prebin_trans, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.prebin_partial(is_bad integer, numeric_features float8[], categorical_features text[]) (
  SFUNC = loan_risk.prebin_trans, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.prebin_partial(is_bad boolean, numeric_features float8[], categorical_features text[],
                                          exact_values float8[], max_distinct integer) (
  SFUNC = loan_risk.prebin_trans, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.prebin_partial(is_bad integer, numeric_features float8[], categorical_features text[],
                                          exact_values float8[], max_distinct integer) (
  SFUNC = loan_risk.prebin_trans, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.prebin_partial(boolean, float8[], text[]) IS 'Pre-binning state of numeric features (float8[]) then categorical ones (text[]) in one pass, exact up to 16384 distinct values per feature';
COMMENT ON AGGREGATE loan_risk.prebin_partial(integer, float8[], text[]) IS 'Pre-binning state of numeric then categorical features with a 0/1 outcome (1 = bad)';
COMMENT ON AGGREGATE loan_risk.prebin_partial(boolean, float8[], text[], float8[], integer) IS 'Pre-binning state of numeric then categorical features; exact_values (special values, split points) keep exact counts; max_distinct (NULL: 16384) distinct values per feature counted exactly';
COMMENT ON AGGREGATE loan_risk.prebin_partial(integer, float8[], text[], float8[], integer) IS 'Pre-binning state with exact values and max_distinct, 0/1 outcome (1 = bad)';

-- The array form with the features' order: kinds ('n' numeric, 'c'
-- categorical, one letter per feature of the state) interleaves the two
-- arrays, so a state keeps the order its features were given in.
CREATE FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], text[], float8[], integer, text)
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_trans_arrays' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], text[], float8[], integer, text)
  RETURNS loan_risk.prebin_state
  AS 'MODULE_PATHNAME', 'prebin_trans_arrays_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], text[], float8[], integer, text) IS 'Transition function of loan_risk.prebin_partial (features as arrays in the order of kinds)';
COMMENT ON FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], text[], float8[], integer, text) IS 'Transition function of loan_risk.prebin_partial (features as arrays in the order of kinds, 0/1 outcome)';
CREATE AGGREGATE loan_risk.prebin_partial(is_bad boolean, numeric_features float8[], categorical_features text[],
                                          exact_values float8[], max_distinct integer, kinds text) (
  SFUNC = loan_risk.prebin_trans, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.prebin_partial(is_bad integer, numeric_features float8[], categorical_features text[],
                                          exact_values float8[], max_distinct integer, kinds text) (
  SFUNC = loan_risk.prebin_trans, STYPE = loan_risk.prebin_state,
  COMBINEFUNC = loan_risk.prebin_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.prebin_partial(boolean, float8[], text[], float8[], integer, text) IS 'Pre-binning state of features given as arrays, in the order of kinds (''n'' numeric, ''c'' categorical per feature; NULL: numeric first)';
COMMENT ON AGGREGATE loan_risk.prebin_partial(integer, float8[], text[], float8[], integer, text) IS 'Pre-binning state of features given as arrays in the order of kinds, 0/1 outcome (1 = bad)';

CREATE FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], boolean, float8, float8, float8[])
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'logit_step_trans_arrays' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], integer, float8, float8, float8[])
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'logit_step_trans_arrays_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], boolean, float8[], text[])
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'woe_step_trans_arrays' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], integer, float8[], text[])
  RETURNS loan_risk.logit_step_state
  AS 'MODULE_PATHNAME', 'woe_step_trans_arrays_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], boolean, float8, float8, float8[]) IS 'Transition function of loan_risk.logit_step_partial (features as a float8[])';
COMMENT ON FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], integer, float8, float8, float8[]) IS 'Transition function of loan_risk.logit_step_partial (features as a float8[], 0/1 outcome)';
COMMENT ON FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], boolean, float8[], text[]) IS 'Transition function of loan_risk.woe_step_partial (features as arrays)';
COMMENT ON FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], integer, float8[], text[]) IS 'Transition function of loan_risk.woe_step_partial (features as arrays, 0/1 outcome)';

CREATE AGGREGATE loan_risk.logit_step_partial(coefficients float8[], is_bad boolean, weight float8,
                                              "offset" float8, features float8[]) (
  SFUNC = loan_risk.logit_step_trans, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.logit_step_partial(coefficients float8[], is_bad integer, weight float8,
                                              "offset" float8, features float8[]) (
  SFUNC = loan_risk.logit_step_trans, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.woe_step_partial(card loan_risk.scorecard, coefficients float8[], is_bad boolean,
                                            numeric_features float8[], categorical_features text[]) (
  SFUNC = loan_risk.woe_step_trans, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
CREATE AGGREGATE loan_risk.woe_step_partial(card loan_risk.scorecard, coefficients float8[], is_bad integer,
                                            numeric_features float8[], categorical_features text[]) (
  SFUNC = loan_risk.woe_step_trans, STYPE = loan_risk.logit_step_state,
  COMBINEFUNC = loan_risk.logit_step_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.logit_step_partial(float8[], boolean, float8, float8, float8[]) IS 'One Newton (IRLS) pass of a logistic fit at the given coefficients (intercept first) over numeric features given as a float8[]';
COMMENT ON AGGREGATE loan_risk.logit_step_partial(float8[], integer, float8, float8, float8[]) IS 'One Newton (IRLS) pass over features given as a float8[], with a 0/1 outcome (1 = bad)';
COMMENT ON AGGREGATE loan_risk.woe_step_partial(loan_risk.scorecard, float8[], boolean, float8[], text[]) IS 'One Newton (IRLS) pass over raw features coded to the WOE of their bin in the card: the card''s numeric features in a float8[], its categorical ones in a text[], each in card order';
COMMENT ON AGGREGATE loan_risk.woe_step_partial(loan_risk.scorecard, float8[], integer, float8[], text[]) IS 'One Newton (IRLS) pass over WOE-coded features given as arrays, with a 0/1 outcome (1 = bad)';

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
