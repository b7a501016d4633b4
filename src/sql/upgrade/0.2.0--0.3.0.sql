-- Changes, from 0.2.0 to 0.3.0, to objects that 0.2.0 already had (the SQL of
-- areas added since follows in the generated upgrade script).  Every change to
-- an object created in src/sql/00_* .. 90_* is repeated here as ALTER or
-- CREATE OR REPLACE (or DROP and CREATE); sql/upgrade.sql compares the result
-- with a fresh install, object by object.

-- Security (issue 15): a SQL-language function resolves nothing through the
-- caller's search_path.
ALTER FUNCTION loan_risk.binning_table(jsonb) SET search_path = pg_catalog, pg_temp;

-- ---- Citus: aggregates with concrete argument types (features as float8[] and text[])
-- The array forms of the pre-binning and logistic-step aggregates: concrete
-- argument types (features as float8[] and text[]), so that Citus can split
-- them into partial aggregates on its workers (it refuses VARIADIC "any").
-- Everything that changes a state is an argument, never a setting.
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

-- The array form of iforest_train: a key of a fixed type (bigint, text or
-- uuid) and the features' values as a float8[] beside their names, concrete
-- argument types that Citus can split into partial aggregates on its workers.
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

-- ---- Citus: merchant_features with the time zone as an argument
-- The time zone as an argument: days, months, nights and weekends are
-- counted in time_zone (NULL: loan_risk.timezone, else the session's
-- TimeZone), whatever the settings of the node that runs the aggregate
-- (a Citus worker, a postgres_fdw shard); as_of NULL means the latest ts.
CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, text, timestamptz, text)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_num_text' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, text, timestamptz, text) IS 'Transition function of loan_risk.merchant_features (numeric amount, text counterparty, as_of, time zone)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount numeric, counterparty text, as_of timestamptz, time_zone text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, numeric, text, timestamptz, text) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at as_of (NULL: the latest ts), days counted in time_zone (numeric amount, text counterparty); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount numeric, counterparty text, as_of timestamptz, time_zone text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, numeric, text, timestamptz, text) IS 'Partial state of loan_risk.merchant_features with its time zone, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, bigint, timestamptz, text)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_num_int8' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, numeric, bigint, timestamptz, text) IS 'Transition function of loan_risk.merchant_features (numeric amount, bigint counterparty, as_of, time zone)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount numeric, counterparty bigint, as_of timestamptz, time_zone text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, numeric, bigint, timestamptz, text) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at as_of (NULL: the latest ts), days counted in time_zone (numeric amount, bigint counterparty); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount numeric, counterparty bigint, as_of timestamptz, time_zone text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, numeric, bigint, timestamptz, text) IS 'Partial state of loan_risk.merchant_features with its time zone, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, text, timestamptz, text)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_f8_text' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, text, timestamptz, text) IS 'Transition function of loan_risk.merchant_features (float8 amount, text counterparty, as_of, time zone)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount float8, counterparty text, as_of timestamptz, time_zone text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, float8, text, timestamptz, text) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at as_of (NULL: the latest ts), days counted in time_zone (float8 amount, text counterparty); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount float8, counterparty text, as_of timestamptz, time_zone text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, float8, text, timestamptz, text) IS 'Partial state of loan_risk.merchant_features with its time zone, to merge with merchant_features_merge';

CREATE FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, bigint, timestamptz, text)
  RETURNS loan_risk.merchant_profile_state
  AS 'MODULE_PATHNAME', 'merchant_features_trans_f8_int8' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.merchant_features_trans(loan_risk.merchant_profile_state, timestamptz, float8, bigint, timestamptz, text) IS 'Transition function of loan_risk.merchant_features (float8 amount, bigint counterparty, as_of, time zone)';
CREATE AGGREGATE loan_risk.merchant_features(ts timestamptz, amount float8, counterparty bigint, as_of timestamptz, time_zone text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, FINALFUNC = loan_risk.merchant_features_final,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features(timestamptz, float8, bigint, timestamptz, text) IS 'Cash-flow profile of a merchant over 30/90/180/365-day windows ending at as_of (NULL: the latest ts), days counted in time_zone (float8 amount, bigint counterparty); doc/features.md';
CREATE AGGREGATE loan_risk.merchant_features_partial(ts timestamptz, amount float8, counterparty bigint, as_of timestamptz, time_zone text) (
  SFUNC = loan_risk.merchant_features_trans, STYPE = loan_risk.merchant_profile_state, SSPACE = 8192,
  COMBINEFUNC = loan_risk.merchant_features_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE loan_risk.merchant_features_partial(timestamptz, float8, bigint, timestamptz, text) IS 'Partial state of loan_risk.merchant_features with its time zone, to merge with merchant_features_merge';

-- ---- Citus: products as a value (jsonb) for match_products and explain_match
-- Products as a value: a JSON array of product objects with the columns of a
-- products table (jsonb_agg of the table gives it).  No table is read, so
-- the call runs wherever its row is (a Citus shard, a postgres_fdw shard)
-- and is IMMUTABLE: the products are compiled once per distinct value.
CREATE FUNCTION loan_risk.match_products(applicant record, products jsonb,
                                         min_probability float8 DEFAULT 0.8,
                                         max_results integer DEFAULT 3,
                                         requested_amount numeric DEFAULT NULL,
                                         requested_term integer DEFAULT NULL,
                                         order_by text DEFAULT 'total_cost')
  RETURNS TABLE (rank integer, product_id text, bank text, product_type text,
                 approval_probability float8, rate numeric, amount numeric, term_months integer,
                 monthly_payment numeric, total_cost numeric)
  AS 'MODULE_PATHNAME', 'match_products_json' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION loan_risk.match_products(record, jsonb, float8, integer, numeric, integer, text) IS
  'match_products with the products given as a value: a JSON array of product objects (the columns of a products table, as jsonb_agg writes them), so that no table is read where the applicant row is';

CREATE FUNCTION loan_risk.explain_match(applicant record, products jsonb,
                                        min_probability float8 DEFAULT 0.8,
                                        requested_amount numeric DEFAULT NULL,
                                        requested_term integer DEFAULT NULL)
  RETURNS TABLE (product_id text, bank text, product_type text, eligible boolean,
                 approval_probability float8, decision text, failed_rules jsonb, detail text)
  AS 'MODULE_PATHNAME', 'explain_match_json' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION loan_risk.explain_match(record, jsonb, float8, numeric, integer) IS
  'explain_match with the products given as a value: a JSON array of product objects (the columns of a products table, as jsonb_agg writes them)';

-- ---- Citus: prebin_partial with the features' order (kinds)
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

-- ---- Citus: the forms of 0.2.0 with VARIADIC "any" or polymorphic arguments go
-- Citus splits a distributed aggregate only when the actual argument types
-- equal the declared ones (worker_partial_agg checks them), which VARIADIC
-- "any", anyelement and record never do: over a distributed table these
-- forms failed ("worker_partial_agg_sfunc could not confirm type
-- correctness").  An aggregate cannot keep such a signature beside the
-- concrete one without staying unsplittable, so they are dropped; the array
-- forms above give the same states (doc/training.md, doc/antifraud.md say
-- how to rewrite a call: features as ARRAY[...]::float8[] and ::text[], the
-- row's values as a float8[] beside their names).
DROP AGGREGATE loan_risk.prebin_partial(boolean, float8[], VARIADIC "any");
DROP AGGREGATE loan_risk.prebin_partial(integer, float8[], VARIADIC "any");
DROP FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, boolean, float8[], VARIADIC "any");
DROP FUNCTION loan_risk.prebin_trans(loan_risk.prebin_state, integer, float8[], VARIADIC "any");
DROP AGGREGATE loan_risk.logit_step_partial(float8[], boolean, float8, float8, VARIADIC "any");
DROP AGGREGATE loan_risk.logit_step_partial(float8[], integer, float8, float8, VARIADIC "any");
DROP AGGREGATE loan_risk.woe_step_partial(loan_risk.scorecard, float8[], boolean, VARIADIC "any");
DROP AGGREGATE loan_risk.woe_step_partial(loan_risk.scorecard, float8[], integer, VARIADIC "any");
DROP FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], boolean, float8, float8, VARIADIC "any");
DROP FUNCTION loan_risk.logit_step_trans(loan_risk.logit_step_state, float8[], integer, float8, float8, VARIADIC "any");
DROP FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], boolean, VARIADIC "any");
DROP FUNCTION loan_risk.woe_step_trans(loan_risk.logit_step_state, loan_risk.scorecard, float8[], integer, VARIADIC "any");
DROP AGGREGATE loan_risk.iforest_train(anyelement, record, text[]);
DROP AGGREGATE loan_risk.iforest_train(anyelement, record, text[], jsonb);
DROP AGGREGATE loan_risk.iforest_train_partial(anyelement, record, text[]);
DROP AGGREGATE loan_risk.iforest_train_partial(anyelement, record, text[], jsonb);
DROP FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, anyelement, record, text[]);
DROP FUNCTION loan_risk.iforest_train_trans(loan_risk.iforest_train_state, anyelement, record, text[], jsonb);

-- reasons() on a plain table's rows takes the columns one by one, as score() and pd() do
-- (planner support rewriting it into reasons_columns).
CREATE FUNCTION loan_risk.reasons_columns(card loan_risk.scorecard, columns text[], row_present boolean, n integer, VARIADIC "any")
  RETURNS text[] AS 'MODULE_PATHNAME', 'reasons_columns' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 30;
COMMENT ON FUNCTION loan_risk.reasons_columns(loan_risk.scorecard, text[], boolean, integer, "any") IS
  'reasons() over columns passed one by one (what the planner turns reasons(card, t, n) into for a plain table t)';
ALTER FUNCTION loan_risk.reasons(loan_risk.scorecard, record, integer) SUPPORT loan_risk.score_support;
COMMENT ON FUNCTION loan_risk.score_support(internal) IS
  'Planner support for score(), pd() and reasons(): passes a plain table''s columns directly (see score_columns)';
