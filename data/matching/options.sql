-- The matching options on the models simulate.sql fitted: recommending on
-- the approval probability or on its lower confidence bound
-- (approval_confidence), and the three rankings (total_cost, probability,
-- confident_total_cost).  For each: the recommended applications (up to
-- three per applicant), their expected approval (the mean of the banks' true
-- probabilities over the recommended pairs) and that of the first-ranked
-- offer, the models' claim, and the share of applicants with a
-- recommendation.  Every model must carry a covariance (train_scorecard
-- records it).
\set ON_ERROR_STOP 1

CREATE TABLE matching_sim.options_report AS
SELECT o.k, o.option, o.approval_confidence, o.order_by,
       count(r.*) AS recommended,
       round(avg(r.true_probability)::numeric, 4) AS expected_approval,
       round(avg(r.true_probability) FILTER (WHERE r.rank = 1)::numeric, 4) AS first_expected_approval,
       round(avg(r.approval_probability)::numeric, 4) AS claimed_approval,
       round(count(DISTINCT r.applicant_id)::numeric / (SELECT count(*) FROM matching_sim.applicants_new), 4) AS share_matched
FROM (VALUES (1, 'probability >= 0.8', NULL::float8, 'total_cost'),
             (2, 'bound(0.8) >= 0.8', 0.8, 'total_cost'),
             (3, 'bound(0.9) >= 0.8', 0.9, 'total_cost'),
             (4, 'bound(0.95) >= 0.8', 0.95, 'total_cost'),
             (5, 'probability >= 0.8', NULL, 'probability'),
             (6, 'bound(0.9) >= 0.8', 0.9, 'probability'),
             (7, 'probability >= 0.8', 0.9, 'confident_total_cost')) o(k, option, approval_confidence, order_by)
LEFT JOIN LATERAL (
  SELECT m.applicant_id::bigint AS applicant_id, m.rank, m.approval_probability,
         matching_sim.true_approval(m.product_id, a.years_in_business, a.annual_revenue, a.existing_loans,
                                    a.overdue_days_12m, a.owner_age, a.industry, a.region) AS true_probability
  FROM loan_risk.match_products_batch('matching_sim.applicants_new', 'matching_sim.products',
                                      min_probability => 0.8, max_results => 3,
                                      amount_column => 'requested_amount', term_column => 'requested_term',
                                      order_by => o.order_by, approval_confidence => o.approval_confidence) m
  JOIN matching_sim.applicants_new a ON a.applicant_id = m.applicant_id::bigint) r ON true
GROUP BY o.k, o.option, o.approval_confidence, o.order_by;
