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
