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
