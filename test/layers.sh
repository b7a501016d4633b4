#!/usr/bin/env bash
# test/layers.sh: checks the include rules of DEVELOPING.md ("Layers") over
# every #include "..." in src/, and prints one line per violation and then
# "N passed, N failed" (1 passed when the tree keeps the rules).  Run by
# test/run.sh with the full pg_regress; alone: bash test/layers.sh
#
#   src/common   includes PostgreSQL and src/common only
#   src/stats    includes PostgreSQL, src/common and src/stats only
#   src/<area>   includes PostgreSQL, src/common, src/stats, its own headers,
#                and of another area only a header listed in PUBLIC below
#   src/*.c      (the module entry) may include any public header
#   no circle of includes between areas (a -> b -> ... -> a)
#
# An include is one of ours when the file src/<path> exists; anything else
# ("utils/builtins.h", "common/int128.h") is PostgreSQL's or the system's.
set -uo pipefail
cd "$(dirname "$0")/.."

# The front door of each area: the headers other areas may include.  Adding
# a header here is a decision about the area's interface; say why in the
# commit.
declare -A PUBLIC=(
  [antifraud]="antifraud.h ident.h iforest.h"
  [credit]="credit.h credit_pg.h"
  [decision]="decision.h strategy.h"
  [features]="features.h features_pg.h"
  [graph]="graph.h"
  [matching]="matching.h matching_pg.h"
  [metrics]="metrics.h metrics_pg.h"
  [portfolio]="portfolio.h portfolio_pg.h"
  [scoring]="card.h score.h scorecard.h"
  [training]="training_pg.h"
)

bad=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

complain() { echo "layers: $*"; bad=$((bad + 1)); }

while IFS= read -r file; do
  rel=${file#src/}
  case $rel in */*) layer=${rel%%/*} ;; *) layer=root ;; esac
  while IFS= read -r inc; do
    [ -e "src/$inc" ] || continue        # PostgreSQL's or the system's
    case $inc in */*) to=${inc%%/*} ;; *) to=root ;; esac
    [ "$to" = "$layer" ] && continue
    case $layer in
      common)
        complain "$file includes $inc: src/common includes no area, no layer above it" ;;
      stats)
        [ "$to" = common ] || complain "$file includes $inc: src/stats includes only src/common and src/stats" ;;
      root)
        [ "$to" = root ] && continue
        [ "$to" = common ] || [ "$to" = stats ] && continue
        [[ " ${PUBLIC[$to]:-} " == *" ${inc#*/} "* ]] ||
          complain "$file includes $inc, which is not a public header of $to" ;;
      *)
        if [ "$to" = root ]; then
          complain "$file includes $inc: areas include no file of the module root"
          continue
        fi
        [ "$to" = common ] || [ "$to" = stats ] && continue
        if [ -z "${PUBLIC[$layer]+set}" ]; then
          complain "$file: src/$layer is not a known area (add it to PUBLIC in test/layers.sh)"
          continue
        fi
        [[ " ${PUBLIC[$to]:-} " == *" ${inc#*/} "* ]] ||
          complain "$file includes $inc, which is not a public header of $to (public: ${PUBLIC[$to]:-none})"
        echo "$layer $to" >>"$edges" ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find src -name '*.[ch]' | sort)

# A circle between areas: tsort reports one as a loop.
if [ -s "$edges" ]; then
  loop=$(sort -u "$edges" | tsort 2>&1 >/dev/null | grep -v 'input contains a loop' | sed 's/^tsort: //' | sort -u | tr '\n' ' ')
  [ -n "$loop" ] && complain "areas include each other in a circle: $loop"
fi

if [ "$bad" -eq 0 ]; then
  echo "layers: include rules hold"
  echo "1 passed, 0 failed"
else
  echo "layers: $bad violation(s); see DEVELOPING.md, \"Layers\""
  echo "0 passed, 1 failed"
  exit 1
fi
