-- matching_sim.fit_scorecard(source, target, features): the approval model
-- of one product, fitted from its past applications with the trainer
-- (doc/training.md).  The target is 1 when the bank rejected: the "bad"
-- outcome, so the card's pd is the probability of rejection and 1 - pd the
-- probability of approval (doc/matching.md).
--
-- The simulation fits every model through this one function.  A small ridge
-- penalty (l2 = 1) keeps the fits of products with few past applications
-- away from quasi-complete separation: the banks' hidden behaviour is nearly
-- deterministic, so some bins hold only approvals or only rejections.
--
-- -v calibration=platt (CALIBRATION=platt for run.sh) fits every model with
-- train_scorecard's cross-fitted Platt calibration (doc/training.md
-- "Calibration"); the default is none.
CREATE SCHEMA IF NOT EXISTS matching_sim;

\if :{?calibration}
\else
\set calibration none
\endif
SELECT set_config('matching_sim.calibration', :'calibration', false) AS calibration_set \gset

CREATE OR REPLACE FUNCTION matching_sim.fit_scorecard(source text, target text, features text[])
RETURNS loan_risk.scorecard LANGUAGE sql AS $$
  SELECT loan_risk.train_scorecard(source, target, features,
    jsonb_build_object('fit', '{"l2": 1}'::jsonb,
                       'calibration', jsonb_build_object('method', current_setting('matching_sim.calibration'))))
$$;
