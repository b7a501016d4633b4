-- Identifier checks: resident identity numbers (GB 11643), unified social
-- credit codes (GB 32100), mobile numbers, bank cards (Luhn).  Published
-- worked examples, generated numbers checked against plain-SQL versions of
-- the check-digit algorithms, and results (not errors) for bad input.
-- Objects of this file live in their own schema: tests share one database.
CREATE SCHEMA antifraud_identifiers;
SET search_path = antifraud_identifiers;
SET DateStyle = ISO;

-- GB 11643-1999's own examples: 11010519491231002X (Beijing Chaoyang, 1949-12-31, female)
-- and 440524188001010014 (1880-01-01, male).
SELECT * FROM loan_risk.check_resident_id('11010519491231002X');
SELECT * FROM loan_risk.check_resident_id('440524188001010014');
-- Lower-case x, spaces, dashes and full-width characters are normalised.
SELECT id, valid, normalized FROM (VALUES ('11010519491231002x'), (' 110105 19491231 002X '), ('110105-19491231-002X'),
  ('１１０１０５１９４９１２３１００２Ｘ'), (E'110105\u300019491231002X')) v(id), loan_risk.check_resident_id(id);
-- Not valid, with the reason.
SELECT id, valid, normalized, birth_date, reason FROM (VALUES
  ('11010519491231002Y'), ('110105194912310021'), ('440524188001010015'), ('1101051949123100'),
  ('110105491231002'), ('11010519491231002X1'), ('1101051949123100AX'), ('99010519491231002X'),
  ('11010519491331002X'), ('11010519000229002X'), ('11010517991231002X'), ('11010521000101002X'),
  (''), ('   '), ('110105 1949 1231 002X ✓'), (E'\u00e9'), (repeat('1', 41))) v(id),
  loan_risk.check_resident_id(id);
-- 2000-02-29 is a date (2000 is a leap year), 1900-02-29 is not.
SELECT (loan_risk.check_resident_id('110105' || '20000229' || '002' || '4')).reason AS leap_2000;

-- Generated numbers against a plain-SQL ISO 7064 MOD 11-2 (weights 2^(18-i) mod 11, "10X98765432"):
-- every number with its check character is valid; changing any one digit makes it invalid.
CREATE FUNCTION gb11643_sql(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr('10X98765432', (sum(substr(body, i, 1)::int * (2 ^ (18 - i))::bigint % 11) % 11)::int + 1, 1)
  FROM generate_series(1, 17) i $$;
CREATE TABLE ids AS
SELECT n, body || gb11643_sql(body) AS id, body
FROM (SELECT n, (ARRAY['110105', '310115', '440305', '330106', '510107', '650102', '810000'])[1 + n % 7]
                || to_char(date '1950-01-01' + (hashint4(n) & 32767), 'YYYYMMDD')
                || lpad(((hashint4(n * 7) & 1023) % 1000)::text, 3, '0') AS body
      FROM generate_series(1, 2000) n) g;
SELECT count(*) AS numbers, bool_and(c.valid) AS all_valid,
       bool_and(c.birth_date = to_date(substr(id, 7, 8), 'YYYYMMDD')) AS birth_dates,
       bool_and(c.sex = CASE WHEN substr(id, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END) AS sexes
FROM ids, loan_risk.check_resident_id(id) c;
SELECT count(*) AS changed, bool_and(NOT (loan_risk.check_resident_id(m)).valid) AS all_invalid
FROM (SELECT overlay(id placing ((substr(id, p, 1)::int + 1 + n % 9) % 10)::text from p for 1) AS m
      FROM ids, LATERAL (SELECT 1 + (hashint4(n * 13) & 1023) % 17 AS p) q) x;

-- GB 32100-2015's example 91350100M000100Y43, and other codes whose check character an
-- independent Python implementation (data/antifraud/check_identifiers.py) confirms.
SELECT * FROM loan_risk.check_credit_code('91350100M000100Y43');
SELECT code, valid, normalized, registration_authority, entity_type, region_code, organization_code
FROM (VALUES ('91440300708461136T'), ('914403001922038216'), ('91110000802100433b'), (' 9133 0100 7996 5505 8B ')) v(code),
     loan_risk.check_credit_code(code);
SELECT code, valid, reason FROM (VALUES
  ('91350100M000100Y44'), ('91350100M000100Y4'), ('91350100M000100Y433'), ('91350100M0001I0Y43'),
  ('91350100M0001O0Y43'), ('B1350100M000100Y43'), ('9135A100M000100Y43'), ('91350100M000100Y4?'), ('')) v(code),
  loan_risk.check_credit_code(code);
-- Generated codes against a plain-SQL GB 32100 check (values in 0-9A-HJ-NPQRTUWXY, weights 3^(i-1) mod 31).
CREATE FUNCTION gb32100_sql(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
                ((31 - sum((strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, i, 1)) - 1)
                           * ((3 ^ (i - 1))::numeric % 31)) % 31) % 31)::int + 1, 1)
  FROM generate_series(1, 17) i $$;
CREATE TABLE codes AS
SELECT n, body || gb32100_sql(body) AS code
FROM (SELECT n, (ARRAY['1', '5', '9', 'Y', 'N', 'A'])[1 + n % 6] || (ARRAY['1', '2', '3', '9'])[1 + (n / 6) % 4]
                || lpad((hashint4(n) & 524287)::text, 6, '0')
                || (SELECT string_agg(substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + (hashint4(n * 31 + k) & 1023) % 31, 1), '' ORDER BY k)
                    FROM generate_series(1, 9) k) AS body
      FROM generate_series(1, 2000) n) g;
SELECT count(*) AS codes, bool_and((loan_risk.check_credit_code(code)).valid) AS all_valid,
       bool_and((loan_risk.check_credit_code(lower(code))).normalized = code) AS lower_case_normalised,
       bool_and(NOT (loan_risk.check_credit_code(left(code, 17) || CASE right(code, 1) WHEN '0' THEN '1' ELSE '0' END)).valid) AS wrong_check_invalid
FROM codes;

-- Mobile numbers: +86, 0086 and 86 prefixes, spaces, dashes, brackets and full-width digits.
SELECT phone, valid, normalized, reason FROM (VALUES
  ('13812345678'), ('+86 138 1234 5678'), ('+86-138-1234-5678'), ('(+86) 138-1234-5678'), ('0086 13812345678'),
  ('8613812345678'), ('１３８１２３４５６７８'), ('19912345678'), ('16612345678'),
  ('12812345678'), ('10012345678'), ('23812345678'), ('1381234567'), ('138123456789'), ('013812345678'),
  ('+1 415 555 2671'), ('+8613812345678x'), ('138 1234 5678 ext'), ('+'), ('')) v(phone),
  loan_risk.check_mobile(phone);

-- Bank cards: 12 to 19 digits and the Luhn check (ISO/IEC 7812-1).  4111 1111 1111 1111 is the
-- well-known Visa test number; 6200000000000005 and 6205500000000000004 are UnionPay test numbers.
SELECT card, valid, normalized, iin, reason FROM (VALUES
  ('4111 1111 1111 1111'), ('6200000000000005'), ('6205-5000-0000-0000-004'), ('378282246310005'),
  ('4111111111111112'), ('6205500000000000005'), ('41111111111'), ('62055000000000000040'), ('4111-1111-1111-111a'), ('')) v(card),
  loan_risk.check_bank_card(card);
-- luhn_valid: the ISO/IEC 7812 worked example 79927398713, and the IMEI example 490154203237518.
SELECT loan_risk.luhn_valid('79927398713') AS example, loan_risk.luhn_valid('79927398710') AS changed,
       loan_risk.luhn_valid('490154203237518') AS imei, loan_risk.luhn_valid('49015420323751-8') AS imei_dashed,
       loan_risk.luhn_valid('0') AS one_digit, loan_risk.luhn_valid('00') AS zeros, loan_risk.luhn_valid('12a') AS letters,
       loan_risk.luhn_valid('') AS empty;
-- Generated card numbers against a plain-SQL Luhn check digit.
CREATE FUNCTION luhn_digit_sql(body text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT (10 - sum(CASE WHEN i % 2 = 1 THEN (2 * d) / 10 + (2 * d) % 10 ELSE d END) % 10) % 10
  FROM (SELECT i, substr(reverse(body), i, 1)::int AS d FROM generate_series(1, length(body)) i) x $$;
SELECT count(*) AS cards, bool_and((loan_risk.check_bank_card(card)).valid) AS all_valid,
       bool_and(NOT loan_risk.luhn_valid(left(card, -1) || ((right(card, 1)::int + 1) % 10)::text)) AS changed_invalid
FROM (SELECT body || luhn_digit_sql(body) AS card
      FROM (SELECT '62' || lpad(((hashint8(n) & 2147483647) % 1000000000)::text, 9, '0')
                   || lpad(((hashint4(n) & 2147483647) % 100000)::text, 1 + n % 7, '0') AS body
            FROM generate_series(1, 2000) n) g) c;

-- normalize_*: the key for joins and indexes, NULL when not valid; NULL in, NULL out.
SELECT loan_risk.normalize_resident_id(' 11010519491231002x') AS resident_id,
       loan_risk.normalize_credit_code('91350100m000100y43') AS credit_code,
       loan_risk.normalize_mobile('+86 138-1234-5678') AS mobile,
       loan_risk.normalize_bank_card('4111 1111 1111 1111') AS card,
       loan_risk.normalize_mobile('12812345678') IS NULL AS invalid_is_null,
       loan_risk.normalize_mobile(NULL) IS NULL AS null_is_null,
       (loan_risk.check_mobile(NULL)).valid IS NULL AS check_null;
