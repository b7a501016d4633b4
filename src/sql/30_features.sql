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
