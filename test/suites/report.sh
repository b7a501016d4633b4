#!/usr/bin/env bash
# Suite: the validation report in a real browser.  Generates the report of
# the demo card on the sample applicants (data/demo_card.json,
# data/applicants.csv) with loan_risk.validation_report, opens it in headless
# Chromium (Debian's chromium package) with every outside host unreachable,
# and checks that the page loads with no console error and no failed
# request, that the rendered DOM has every section and its four SVG charts,
# and that the screenshot is a real page.  A deliberately broken page is
# opened the same way first, to prove the checks catch errors.
#
# Artefacts, kept in build/report/: validation_report.html, its screenshot
# validation_report.png (the whole page) and validation_report_top.png (the
# first screen), the DOM Chromium rendered and Chromium's log.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
lr_make_work
trap 'lr_cluster_stop report; rm -rf "$LR_WORK"' EXIT

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "chromium is not installed (Debian package chromium): the report cannot be checked in a browser"
  echo "0 passed, 1 failed"; exit 1
fi
OUT=$LR_BUILD/report
rm -rf "$OUT"
mkdir -p "$OUT"

# The extension as built for the other suites (test/run.sh installs it first);
# standalone runs install it here.
lr_need_install || { echo "0 passed, 1 failed"; exit 1; }

# Headless Chromium with a fresh profile, no sandbox (the runner is root), no
# background traffic, and every host name unresolvable, so that a page
# reaching for anything outside itself logs a failed request.
browse() {
  local profile
  profile=$(mktemp -d "$LR_WORK/chromium.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-default-apps \
    --disable-extensions --mute-audio --hide-scrollbars --user-data-dir="$profile" \
    --host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0 "$@"
}

# Console messages and failed requests in a Chromium log (its own dbus and
# GPU chatter is not about the page).
page_errors() {
  grep -E "CONSOLE|Uncaught|Failed to load resource|net::ERR_|Refused to|blocked" "$1" || true
}

# Requests the page itself made for anything (Chromium's net log tags them with
# the page's site, file://; the browser's own background requests are not).
page_requests() {
  grep -o 'site=file://[^}]*}","url":"[^"]*"' "$1" | sed 's/.*"url":"//; s/"$//' | sort -u || true
}

# PNG width and height from the IHDR chunk.
png_size() {
  od -An -tu1 -j16 -N8 "$1" | awk '{printf "%d %d\n", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'
}

# ---- the checks must be able to fail: a broken page
cat > "$LR_WORK/broken.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title>
<link rel="stylesheet" href="https://cdn.example.com/style.css"></head>
<body><img src="https://example.com/logo.png"><script>undefined_function();</script></body></html>
HTML
browse --log-net-log="$LR_WORK/broken.netlog.json" --dump-dom "file://$LR_WORK/broken.html" \
  >"$LR_WORK/broken.dom" 2>"$LR_WORK/broken.log"
check "a script error is caught" test -n "$(page_errors "$LR_WORK/broken.log")"
check "requests for outside resources are caught" test "$(page_requests "$LR_WORK/broken.netlog.json" | wc -l)" -eq 2

# ---- the report of the demo card on the sample applicants
lr_cluster_start report || { echo "0 passed, 1 failed"; exit 1; }
cp data/applicants.csv data/demo_card.json "$LR_WORK"/
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK"/applicants.csv "$LR_WORK"/demo_card.json
lr_psql report -d postgres -c "CREATE DATABASE report" >/dev/null
(cd "$LR_WORK" && lr_psql report -d report -At) >"$OUT/validation_report.html" 2>"$LR_WORK/psql.log" <<'SQL'
\set QUIET on
CREATE EXTENSION loan_risk;
CREATE TABLE applicants (
  id integer PRIMARY KEY, region text, industry text, months_active integer,
  gmv_90d numeric, refund_share numeric, repeat_payer_share numeric, night_share numeric,
  bad integer);
\copy applicants FROM 'applicants.csv' WITH (FORMAT csv, HEADER)
\set card_json `cat demo_card.json`
CREATE TABLE scorecards (name text PRIMARY KEY, card loan_risk.scorecard NOT NULL);
INSERT INTO scorecards VALUES ('smb_demo', :'card_json');
SELECT loan_risk.validation_report(card, 'SELECT *, id > 16000 AS recent FROM applicants',
                                   '{"recent": "recent", "title": "Validation report: smb_demo on the sample applicants"}')
FROM scorecards WHERE name = 'smb_demo';
SQL
check "the report is generated" test -s "$OUT/validation_report.html"
cat "$LR_WORK/psql.log"
REPORT=$OUT/validation_report.html
check "the file is one HTML page" grep -q '^</html>$' "$REPORT"

# Rendered DOM: what the browser built from the page.
browse --log-net-log="$OUT/chromium-netlog.json" --dump-dom "file://$REPORT" \
  >"$OUT/validation_report.dom.html" 2>"$OUT/chromium-dom.log"
requests=$(page_requests "$OUT/chromium-netlog.json")
if [ -z "$requests" ]; then ok "the page requests nothing outside itself"; else
  bad "the page requested:"; echo "$requests" | head; fi
DOM=$OUT/validation_report.dom.html
for s in summary discrimination distribution calibration gains scorecard stability training; do
  check "section $s is in the rendered page" grep -q "<section id=\"$s\">" "$DOM"
done
for c in roc-chart ks-chart distribution-chart calibration-chart; do
  check "chart $c is an SVG element of the rendered page" grep -q "<svg class=\"chart\" id=\"$c\"" "$DOM"
done
check "four charts, each closed" test "$(grep -o '<svg ' "$DOM" | wc -l)" -eq 4 -a "$(grep -o '</svg>' "$DOM" | wc -l)" -eq 4
check "the curves are drawn" test "$(grep -o '<polyline ' "$DOM" | wc -l)" -ge 4
check "the histogram bars are drawn" test "$(grep -o '<rect class="b-' "$DOM" | wc -l)" -ge 20
check "no script in the rendered page" test "$(grep -ci '<script' "$DOM")" -eq 0

# Screenshots: the whole page and its first screen.
browse --window-size=1280,5600 --screenshot="$OUT/validation_report.png" "file://$REPORT" \
  >/dev/null 2>"$OUT/chromium.log"
browse --window-size=1280,1900 --screenshot="$OUT/validation_report_top.png" "file://$REPORT" \
  >/dev/null 2>>"$OUT/chromium.log"
errors=$(page_errors "$OUT/chromium-dom.log"; page_errors "$OUT/chromium.log")
if [ -z "$errors" ]; then ok "the page loads with no console error and no failed request"; else
  bad "the page logged errors:"; echo "$errors" | head -20; fi
for png in validation_report.png validation_report_top.png; do
  if [ -s "$OUT/$png" ]; then
    read -r w h < <(png_size "$OUT/$png")
    size=$(stat -c %s "$OUT/$png")
    check "$png is a ${w}x${h} screenshot of a drawn page ($size bytes)" test "$w" -eq 1280 -a "$size" -gt 60000
  else
    bad "$png was not written"
  fi
done
# ---- every table fits its section at 1280 px: the demo card's report, and
# that of a card trained on the sample applicants (bin bounds from the data,
# 10 bins a feature).  A copy of each page gets a script that compares every
# table's width with its section's and writes the result into the DOM.
(cd "$LR_WORK" && lr_psql report -d report -At) >"$OUT/validation_report_trained.html" 2>>"$LR_WORK/psql.log" <<'SQL'
\set QUIET on
SET client_min_messages = warning;
SELECT loan_risk.validation_report(loan_risk.train_scorecard('applicants', 'bad',
         '{region,industry,months_active,gmv_90d,refund_share,repeat_payer_share,night_share}',
         '{"name": "trained", "binning": {"max_bins": 10, "min_bin_share": 0.02}}'),
       'SELECT *, id > 16000 AS recent FROM applicants', '{"recent": "recent"}');
SQL
check "the trained card's report is generated" grep -q '^</html>$' "$OUT/validation_report_trained.html"
FITCHECK='<script>(function () { var out = [];
  document.querySelectorAll("table").forEach(function (t, i) {
    var s = t.closest("section"); if (!s) return;
    var sr = s.getBoundingClientRect(), tr = t.getBoundingClientRect(), cs = getComputedStyle(s);
    var inner = sr.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
    if (tr.right > inner + 0.5) out.push((s.id || "?") + " table " + i + ": " + Math.round(tr.width) + " px wide, room for " + Math.round(inner - sr.left)); });
  var d = document.createElement("pre"); d.id = "fitcheck";
  d.textContent = "tables " + document.querySelectorAll("table").length + (out.length ? "; too wide: " + out.join("; ") : "; all fit");
  document.body.appendChild(d); })();</script>'
for page in validation_report validation_report_trained; do
  awk -v js="$FITCHECK" '/^<\/body>$/ { print js } { print }' "$OUT/$page.html" >"$LR_WORK/$page.fitcheck.html"
  browse --window-size=1280,2000 --dump-dom "file://$LR_WORK/$page.fitcheck.html" >"$LR_WORK/$page.fitcheck.dom" 2>/dev/null
  fit=$(sed -n 's/.*<pre id="fitcheck">\([^<]*\)<.*/\1/p' "$LR_WORK/$page.fitcheck.dom")
  check "$page.html at 1280 px: $fit" test -n "$fit" -a -z "${fit##*all fit}"
done
# The same check must be able to fail: a table wider than its section.
cat > "$LR_WORK/wide.html" <<HTML
<!DOCTYPE html><html><head><meta charset="utf-8"><style>section{width:300px}</style></head><body>
<section id="wide"><table><tr><td style="white-space:nowrap">$(printf 'x%.0s' $(seq 1 200))</td></tr></table></section>
</body>
</html>
HTML
awk -v js="$FITCHECK" '/^<\/body>$/ { print js } { print }' "$LR_WORK/wide.html" >"$LR_WORK/wide.fitcheck.html"
browse --window-size=1280,2000 --dump-dom "file://$LR_WORK/wide.fitcheck.html" >"$LR_WORK/wide.fitcheck.dom" 2>/dev/null
check "a table wider than its section is caught" grep -q 'too wide: wide table 0' "$LR_WORK/wide.fitcheck.dom"

# ---- the print style sheet: the report prints whole, as PDF (the trained
# card's report, its longest), and every section is in the printed text.
browse --no-pdf-header-footer --print-to-pdf="$OUT/validation_report_trained.pdf" \
  "file://$OUT/validation_report_trained.html" >/dev/null 2>>"$OUT/chromium.log"
check "the report prints to PDF" test -s "$OUT/validation_report_trained.pdf"
check "pdftotext is installed (scripts/deps.sh --test)" command -v pdftotext
if command -v pdftotext >/dev/null; then
  pdftotext -layout "$OUT/validation_report_trained.pdf" "$LR_WORK/printed.txt"
  for h in Summary Discrimination "Score distribution" Calibration "Gains table" "Scorecard bins and points" \
           "Population stability" "Training statistics"; do
    check "the printed report has \"$h\"" grep -q "$h" "$LR_WORK/printed.txt"
  done
  check "the printed report ends with its footer" grep -q "Every figure was computed inside" "$LR_WORK/printed.txt"
fi
echo "artefacts: $OUT"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
