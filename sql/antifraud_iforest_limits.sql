-- Isolation forests and the limits of a model value: reading one (text
-- input, the first anomaly_score of a query) stays within
-- loan_risk.max_kernel_memory, and iforest_train refuses at once a forest
-- whose text would exceed the 1 GB limit of a value, before growing it.
-- Cancel and statement_timeout on huge forests are tested by
-- test/suites/cancel.sh.
CREATE SCHEMA antifraud_iforest_limits;
SET search_path = antifraud_iforest_limits;

CREATE TABLE pts AS
SELECT i AS id, (hashint4(i) & 1048575) / 1048575.0::float8 AS a,
       (hashint4(i * 7) & 1048575) / 1048575.0::float8 AS b
FROM generate_series(1, 5000) i;

-- 50 trees of 256 rows: about half a megabyte of text.
CREATE TABLE forests AS
SELECT loan_risk.iforest_train(id, ARRAY[a, b], ARRAY['a', 'b'], '{"trees": 50, "sample_size": 256}') AS model FROM pts p;
SELECT length(model::text) > 400000 AS over_400_kb FROM forests;
SELECT round(loan_risk.anomaly_score(model, p)::numeric, 6) AS score
FROM forests, pts p WHERE p.id = 1;

-- Under a limit of 2 MB the parsed forest does not fit: text input and the
-- first anomaly_score fail with the same error, naming the setting.
SET loan_risk.max_kernel_memory = '2MB';
SELECT model::text::loan_risk.iforest IS NOT NULL FROM forests;
SELECT loan_risk.anomaly_score(model, p) FROM forests, pts p WHERE p.id = 1;
SELECT loan_risk.anomaly_path_length(model, p) FROM forests, pts p WHERE p.id = 1;
-- Output does not parse.
SELECT length(model::text) > 400000 AS output_works FROM forests;
RESET loan_risk.max_kernel_memory;

-- 10000 trees of 4096 rows would be more than 1 GB of text: refused after
-- growing the first few trees, with the number of trees that would fit.
SELECT loan_risk.iforest_train(id, ARRAY[a, b], ARRAY['a', 'b'], '{"trees": 10000, "sample_size": 4096}') IS NULL
FROM pts p;
-- The same sample size with fewer trees is within the limit.
SELECT jsonb_array_length(loan_risk.iforest_train(id, ARRAY[a, b], ARRAY['a', 'b'],
                                                  '{"trees": 20, "sample_size": 4096}')::jsonb -> 'trees') AS trees
FROM pts p;
