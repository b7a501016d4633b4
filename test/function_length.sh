#!/usr/bin/env bash
# test/function_length.sh: lists every function in src/ longer than LIMIT
# lines (150 unless LR_FUNCTION_MAX says otherwise) whose comment gives no
# reason, and fails if there is one; prints "N passed, N failed" last.  Run
# by test/run.sh with the include rules (test/layers.sh); alone:
#   bash test/function_length.sh          the check
#   bash test/function_length.sh --all    every function over the limit,
#                                         with or without a reason
#
# A function's length counts from the line of its name to its closing brace.
# A reason is a line "long: why" in the comment block right above the
# function (the lines from the last blank line or closing brace before it to
# its opening brace), e.g.
#
#   /*
#    * One row of the table for the report.
#    * long: one switch over the 40 kinds of a bin, each a few lines.
#    */
#
# The source is pgindent's layout: a definition's name starts its line, its
# opening and closing braces stand alone in the first column.
set -uo pipefail
cd "$(dirname "$0")/.."

limit=${LR_FUNCTION_MAX:-150}
all=0
[ "${1:-}" = --all ] && all=1

out=$(find src -name '*.[ch]' | sort | xargs awk -v limit="$limit" -v all="$all" '
FNR == 1 { block = ""; name = ""; start = 0; inside = 0; prev = "" }
{
	line = $0
	if (!inside)
	{
		if (line ~ /^[A-Za-z_][A-Za-z0-9_]*\(/)
		{
			name = line; sub(/\(.*/, "", name); start = FNR
		}
		if (line ~ /^\{/ && prev ~ /\)[ \t]*$/ && name != "")
		{
			inside = 1; reason = (block ~ /long:/); fname = name
			next
		}
		if (line ~ /^[ \t]*$/ || line ~ /^\}/)
		{
			block = ""; name = ""
		}
		else
			block = block "\n" line
		prev = line
		next
	}
	if (line ~ /^\}/)
	{
		inside = 0
		n = FNR - start + 1
		if (n > limit && (all || !reason))
			printf "%s:%d: %s: %d lines%s\n", FILENAME, start, fname, n, reason ? " (long: reason given)" : ""
		block = ""; name = ""; prev = line
	}
}')

if [ -n "$out" ]; then
	echo "$out" | sort -t: -k4 | sed 's/^/function_length: /'
fi
if [ "$all" = 1 ]; then
	exit 0
fi
if [ -z "$out" ]; then
	echo "function_length: no function in src/ over $limit lines without a reason"
	echo "1 passed, 0 failed"
else
	echo "function_length: $(echo "$out" | wc -l) function(s) over $limit lines without a \"long:\" reason in their comment; split them into named steps or say why not"
	echo "0 passed, 1 failed"
	exit 1
fi
