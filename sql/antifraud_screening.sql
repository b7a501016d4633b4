-- List screening on normalised keys: the plain joins doc/antifraud.md
-- recommends, with keys written in every format, a blacklist, a whitelist,
-- expression indexes for single lookups, and integer keys for bulk joins.
-- Objects of this file live in their own schema: tests share one database.
CREATE SCHEMA antifraud_screening;
SET search_path = antifraud_screening;

-- Applicants write their numbers as they like.
CREATE TABLE applicants (id int PRIMARY KEY, phone text, resident_id text, card text);
INSERT INTO applicants VALUES
  (1, '+86 138-0013-8000', '11010519491231002x', '6200 0000 0000 0005'),
  (2, '13900139000',       '440524188001010014', '4111111111111111'),
  (3, '0086 137 0013 7000', '110105194912310021', NULL),          -- resident id fails its check
  (4, '1360013600',        NULL,                 '6205500000000000004'),  -- phone too short
  (5, '(+86)135-0013-5000', '１１０１０５１９４９１２３１００２Ｘ', NULL),
  (6, NULL,                NULL,                 NULL);

-- Lists keep the normalised key (and may keep the raw text they were given).
CREATE TABLE blacklist (kind text, key text, reason text, PRIMARY KEY (kind, key));
INSERT INTO blacklist
SELECT 'mobile', loan_risk.normalize_mobile(raw), 'fraud ring' FROM (VALUES ('138 0013 8000'), ('+8613500135000')) v(raw)
UNION ALL SELECT 'resident_id', loan_risk.normalize_resident_id('11010519491231002X'), 'identity theft'
UNION ALL SELECT 'card', loan_risk.normalize_bank_card('6205-5000-0000-0000-004'), 'chargebacks';
CREATE TABLE whitelist (kind text, key text, PRIMARY KEY (kind, key));
INSERT INTO whitelist VALUES ('mobile', '13500135000');

-- One row per applicant: blacklist hits on any key, unless the phone is whitelisted.
SELECT a.id,
       array_agg(DISTINCT b.kind ORDER BY b.kind) FILTER (WHERE b.kind IS NOT NULL) AS blacklisted_on,
       w.key IS NOT NULL AS whitelisted,
       count(b.kind) > 0 AND w.key IS NULL AS reject
FROM applicants a
LEFT JOIN blacklist b
  ON (b.kind, b.key) IN (('mobile', loan_risk.normalize_mobile(a.phone)),
                         ('resident_id', loan_risk.normalize_resident_id(a.resident_id)),
                         ('card', loan_risk.normalize_bank_card(a.card)))
LEFT JOIN whitelist w ON w.kind = 'mobile' AND w.key = loan_risk.normalize_mobile(a.phone)
GROUP BY a.id, w.key ORDER BY a.id;

-- Invalid keys never match anything: NULL joins nothing.
SELECT count(*) AS matches_on_invalid FROM applicants a JOIN blacklist b
  ON b.kind = 'mobile' AND b.key = loan_risk.normalize_mobile(a.phone) WHERE a.id = 4;

-- A raw list can be indexed on the normalised key directly (the functions are IMMUTABLE).
CREATE TABLE raw_list (phone text);
INSERT INTO raw_list SELECT '+86 ' || (13000000000 + i * 7919)::text FROM generate_series(1, 5000) i;
CREATE INDEX raw_list_key ON raw_list (loan_risk.normalize_mobile(phone));
ANALYZE raw_list;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT 1 FROM raw_list WHERE loan_risk.normalize_mobile(phone) = loan_risk.normalize_mobile('130-0000-7919');
SELECT count(*) AS single_lookup FROM raw_list WHERE loan_risk.normalize_mobile(phone) = loan_risk.normalize_mobile('130-0000-7919');
RESET enable_seqscan;

-- Bulk screening: integer keys (an 11-digit mobile, the 17 digits before a resident id's check
-- character) are exact and half the size of text keys; both give the same matches.
CREATE TABLE list_int AS SELECT loan_risk.normalize_mobile(phone)::bigint AS key FROM raw_list;
CREATE TABLE apps_bulk AS
SELECT i AS id, '+86 ' || (13000000000 + i * 3 * 7919 / 2)::text AS phone FROM generate_series(1, 20000) i;
SELECT (SELECT count(*) FROM apps_bulk a JOIN raw_list r ON loan_risk.normalize_mobile(r.phone) = loan_risk.normalize_mobile(a.phone)) AS text_matches,
       (SELECT count(*) FROM apps_bulk a JOIN list_int l ON l.key = loan_risk.normalize_mobile(a.phone)::bigint) AS bigint_matches,
       (SELECT count(*) FROM apps_bulk a WHERE EXISTS (SELECT 1 FROM list_int l WHERE l.key = loan_risk.normalize_mobile(a.phone)::bigint)) AS semi_join;
SELECT left(loan_risk.normalize_resident_id('11010519491231002x'), 17)::bigint AS resident_id_key;

-- Shared lists often hold digests of the normalised key instead of the key.
SELECT md5(loan_risk.normalize_mobile('+86 138-0013-8000')) = md5('13800138000') AS md5_key,
       sha256(convert_to(loan_risk.normalize_resident_id('11010519491231002x'), 'UTF8'))
         = sha256('11010519491231002X'::bytea) AS sha256_key;
