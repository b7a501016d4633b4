#!/usr/bin/env bash
# Installs the Debian packages loan_risk needs, if any are missing.
#
#   scripts/deps.sh            build and demo: PostgreSQL server and headers, compiler
#   scripts/deps.sh --test     also what the test suites use
#   scripts/deps.sh --bench    also the peers the benchmarks compare against
#
# Runs apt-get as root, or through sudo; does nothing when all is present.
set -euo pipefail

PGVERSION=${PGVERSION:-15}
pkgs=(postgresql-$PGVERSION postgresql-server-dev-$PGVERSION postgresql-client-$PGVERSION
      build-essential)
for arg in "$@"; do
  case "$arg" in
    --test)  pkgs+=(clang-14 libclang-rt-14-dev libfuzzer-14-dev sqlsmith valgrind python3 chromium fonts-dejavu-core
                    poppler-utils) ;;
    --bench) pkgs+=(postgresql-plpython3-$PGVERSION python3-sklearn python3-pandas python3-networkx
                    python3-scipy postgresql-$PGVERSION-pgrouting hyperfine) ;;
    *) echo "deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
