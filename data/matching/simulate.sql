-- The bank simulation end to end (after generate.sql):
--   1. fit each product's approval model from its past applications
--      (matching_sim.fit_scorecard: target "rejected", so 1 - pd is the
--      probability of approval);
--   2. match the new applicants (loan_risk.match_products_batch, threshold
--      0.8, their requested amount and term);
--   3. ask the simulated banks about the recommended applications, and
--      about one random eligible product per applicant (the baseline);
--   4. report the realised approval rate of the recommendations next to
--      their expected approval (the mean of the banks' true probabilities of
--      the recommended pairs, free of the noise of the decisions), the
--      models' claim, the share of applicants matched, and the same for an
--      oracle that knows the true probabilities.
--
--   psql -v n_banks=10 -v n_history=40000 -v n_new=5000 -f data/matching/generate.sql \
--        -f data/matching/simulate.sql
\set ON_ERROR_STOP 1

-- The model features: what a bank's decision could depend on.
UPDATE matching_sim.products p
SET approval_model = matching_sim.fit_scorecard(
      format($q$SELECT a.owner_age, a.years_in_business, a.annual_revenue, a.existing_loans,
                       a.overdue_days_12m, a.industry, a.region, h.rejected
                FROM matching_sim.history h JOIN matching_sim.applicants_hist a USING (applicant_id)
                WHERE h.product_id = %L$q$, p.product_id),
      'rejected',
      ARRAY['owner_age', 'years_in_business', 'annual_revenue', 'existing_loans',
            'overdue_days_12m', 'industry', 'region']);

CREATE TABLE matching_sim.recommended AS
SELECT m.applicant_id::bigint AS applicant_id, m.rank, m.product_id, m.approval_probability
FROM loan_risk.match_products_batch('matching_sim.applicants_new', 'matching_sim.products',
                                    min_probability => 0.8, max_results => 3,
                                    amount_column => 'requested_amount',
                                    term_column => 'requested_term') m;

CREATE VIEW matching_sim.outcomes AS
SELECT r.*, matching_sim.bank_decides(r.product_id, a.applicant_id, a.years_in_business, a.annual_revenue,
                                      a.existing_loans, a.overdue_days_12m, a.owner_age, a.industry,
                                      a.region) AS approved,
       matching_sim.true_approval(r.product_id, a.years_in_business, a.annual_revenue, a.existing_loans,
                                  a.overdue_days_12m, a.owner_age, a.industry, a.region) AS true_probability
FROM matching_sim.recommended r JOIN matching_sim.applicants_new a USING (applicant_id);

-- The oracle: a matcher that knows each bank's true probability of approval
-- recommends the eligible products whose true probability reaches the same
-- threshold, the three cheapest (the same amount, term and repayment method
-- for every product of one applicant, so the cheapest is the lowest rate,
-- priced by the true probability as the products price it).
CREATE TABLE matching_sim.oracle AS
SELECT applicant_id, product_id, true_probability, rank
FROM (SELECT e.applicant_id, e.product_id, t.p AS true_probability,
             row_number() OVER (PARTITION BY e.applicant_id
                                ORDER BY coalesce(p.rate, p.min_rate + round((p.max_rate - p.min_rate) * (1 - t.p::numeric), 4)),
                                         e.product_id) AS rank
      FROM matching_sim.eligible_new e
      JOIN matching_sim.applicants_new a USING (applicant_id)
      JOIN matching_sim.products p USING (product_id),
           LATERAL (SELECT matching_sim.true_approval(e.product_id, a.years_in_business, a.annual_revenue,
                                                      a.existing_loans, a.overdue_days_12m, a.owner_age,
                                                      a.industry, a.region) AS p) t
      WHERE t.p >= 0.8) o
WHERE rank <= 3;

CREATE VIEW matching_sim.baseline AS
SELECT e.applicant_id, e.product_id,
       matching_sim.bank_decides(e.product_id, a.applicant_id, a.years_in_business, a.annual_revenue,
                                 a.existing_loans, a.overdue_days_12m, a.owner_age, a.industry,
                                 a.region) AS approved
FROM (SELECT e.*, row_number() OVER (PARTITION BY applicant_id
                                     ORDER BY hashtext(e.product_id || applicant_id::text || 'baseline')) AS pick
      FROM matching_sim.eligible_new e) e
JOIN matching_sim.applicants_new a USING (applicant_id)
WHERE e.pick = 1;

CREATE TABLE matching_sim.report AS
SELECT (SELECT count(*) FROM matching_sim.products) AS products,
       (SELECT count(*) FROM matching_sim.history) AS past_applications,
       (SELECT round(avg(rejected), 3) FROM matching_sim.history) AS past_rejection_rate,
       (SELECT count(*) FROM matching_sim.applicants_new) AS new_applicants,
       (SELECT count(*) FROM matching_sim.outcomes WHERE rank = 1) AS first_choice_applications,
       (SELECT round(avg(approved::int), 4) FROM matching_sim.outcomes WHERE rank = 1) AS first_choice_approval_rate,
       (SELECT count(*) FROM matching_sim.outcomes) AS recommended_applications,
       (SELECT round(avg(approved::int), 4) FROM matching_sim.outcomes) AS recommended_approval_rate,
       (SELECT round(count(DISTINCT applicant_id)::numeric / (SELECT count(*) FROM matching_sim.applicants_new), 4)
        FROM matching_sim.recommended) AS share_with_recommendation,
       (SELECT round(count(DISTINCT applicant_id)::numeric / (SELECT count(*) FROM matching_sim.applicants_new), 4)
        FROM matching_sim.eligible_new) AS share_with_eligible_product,
       (SELECT round(avg(approved::int), 4) FROM matching_sim.baseline) AS baseline_approval_rate,
       (SELECT name FROM matching_sim.world) AS world,
       (SELECT round(avg(approval_probability)::numeric, 4) FROM matching_sim.outcomes) AS claimed_approval,
       (SELECT round(avg(true_probability)::numeric, 4) FROM matching_sim.outcomes) AS expected_approval,
       (SELECT round(avg(true_probability)::numeric, 4) FROM matching_sim.outcomes WHERE rank = 1) AS first_choice_expected_approval,
       (SELECT round(avg(true_probability)::numeric, 4) FROM matching_sim.oracle) AS oracle_expected_approval,
       (SELECT round(count(DISTINCT applicant_id)::numeric / (SELECT count(*) FROM matching_sim.applicants_new), 4)
        FROM matching_sim.oracle) AS oracle_share_matched;
