# test/lib.sh: shared helpers for the test runner and the suites in test/suites.
# Source it; it defines variables and functions, and runs nothing by itself.
#
#   LR_ROOT     the source tree
#   LR_BUILD    build/ in the source tree (ignored by git): build logs, results
#   LR_WORK     a scratch directory the server user can write (under
#               LR_WORK_ROOT, default /tmp)
#   LR_TI       a private PostgreSQL installation with this build of loan_risk,
#               so tests never touch (or depend on) the system installation;
#               it lives in a scratch directory (lr_tmp_install), never in the
#               checkout
#   LR_BIN      its bin directory
#   LR_PORTS    the range servers pick a free port in (default 20000-40000)
#
# PostgreSQL refuses to run as root, so when the runner is root the servers
# and clients run as the "postgres" user (created by Debian's package).  The
# checkout may then be where postgres cannot even look (under /root, or in a
# mktemp -d directory: mode 700): everything a server or client reads or runs
# is put in a scratch directory first (the installation, test files, data),
# and nothing runs as postgres from a working directory in the checkout.

# Whatever the caller's umask, what the scripts create is readable by the
# server user.
umask 022

LR_ROOT=${LR_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LR_BUILD=${LR_BUILD:-$LR_ROOT/build}
PG_CONFIG=${PG_CONFIG:-$( [ -x /usr/lib/postgresql/15/bin/pg_config ] && echo /usr/lib/postgresql/15/bin/pg_config || echo pg_config)}
LR_PG_BINDIR=$($PG_CONFIG --bindir)
# test/run.sh exports the installation it made to the suites it runs; a suite
# run alone makes its own (lr_need_install).
LR_TI=${LR_TI:-}
LR_BIN=${LR_TI:+$LR_TI$LR_PG_BINDIR}

if [ "$(id -u)" -eq 0 ]; then
  LR_RUNAS=(runuser -u postgres --)
  LR_USER=postgres
else
  LR_RUNAS=()
  LR_USER=$(id -un)
fi

# Runs a command as the server user.  From a working directory that user
# cannot enter (a checkout in /root), PostgreSQL's programs complain that they
# cannot change back to it: such commands run from / instead (a command that
# needed a file there could not have read it anyway).
LR_CWD_OK=
LR_CWD_BAD=
lr_as_user() {
  if [ ${#LR_RUNAS[@]} -gt 0 ] && [ "$PWD" != "$LR_CWD_OK" ]; then
    if [ "$PWD" != "$LR_CWD_BAD" ]; then
      if "${LR_RUNAS[@]}" test -x "$PWD" 2>/dev/null; then LR_CWD_OK=$PWD; else LR_CWD_BAD=$PWD; fi
    fi
    if [ "$PWD" = "$LR_CWD_BAD" ]; then
      (cd / && "${LR_RUNAS[@]}" "$@")
      return
    fi
  fi
  "${LR_RUNAS[@]}" "$@"
}

# Makes LR_WORK: a fresh scratch directory owned by the server user, once per
# script (a later call, such as lr_tmp_install's, keeps it).
LR_WORK_MADE=
lr_make_work() {
  [ "$LR_WORK_MADE" = "$$" ] && [ -d "${LR_WORK:-}" ] && return 0
  mkdir -p "${LR_WORK_ROOT:-/tmp}"
  LR_WORK=$(mktemp -d "${LR_WORK_ROOT:-/tmp}/loan_risk-test.XXXXXX")
  chmod 755 "$LR_WORK"
  [ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK"
  LR_WORK_MADE=$$
  export LR_WORK
  if [ ${#LR_RUNAS[@]} -gt 0 ] && ! lr_as_user test -w "$LR_WORK"; then
    echo "the server user $LR_USER cannot write $LR_WORK: LR_WORK_ROOT (${LR_WORK_ROOT:-/tmp}) must be a directory $LR_USER can enter, such as /tmp" >&2
    rm -rf "$LR_WORK"
    exit 1
  fi
}

# lr_tmp_install [DIR]: builds the private installation in DIR (default
# $LR_WORK/tmp_install, making LR_WORK first; it goes with LR_WORK) and points
# LR_TI and LR_BIN at it: the server's bin, lib and share trees (hard links
# where the file system allows, copies otherwise) plus `make install
# DESTDIR=DIR` of LR_ROOT.  PostgreSQL finds its lib and share directories
# relative to its binary, so the server started from LR_BIN loads this build
# of the extension.
lr_tmp_install() {
  local ti=${1:-} d
  if [ -z "$ti" ]; then
    lr_make_work
    ti=$LR_WORK/tmp_install
  fi
  rm -rf "$ti"
  for d in "$($PG_CONFIG --bindir)" "$($PG_CONFIG --pkglibdir)" "$($PG_CONFIG --sharedir)"; do
    mkdir -p "$ti$(dirname "$d")"
    cp -al "$d" "$ti$d" 2>/dev/null || cp -a "$d" "$ti$d"
  done
  # Never write through a hard link into the system's own files.
  rm -f "$ti$($PG_CONFIG --pkglibdir)"/loan_risk* "$ti$($PG_CONFIG --sharedir)"/extension/loan_risk*
  make -C "$LR_ROOT" -s install DESTDIR="$ti" PG_CONFIG="$PG_CONFIG" >/dev/null || return 1
  LR_TI=$ti
  LR_BIN=$LR_TI$LR_PG_BINDIR
  export LR_TI LR_BIN
  if [ ${#LR_RUNAS[@]} -gt 0 ] && ! lr_as_user test -x "$LR_BIN/postgres"; then
    echo "the server user $LR_USER cannot run $LR_BIN/postgres: put the installation under a directory $LR_USER can enter, such as /tmp" >&2
    return 1
  fi
}

# For suites: the installation test/run.sh made, or (a suite run alone) a
# build and an installation of its own in its scratch directory.
lr_need_install() {
  if [ -n "$LR_TI" ] && [ -f "$LR_TI$($PG_CONFIG --pkglibdir)/loan_risk.so" ]; then
    return 0
  fi
  lr_make_work
  make -C "$LR_ROOT" -s ${WERROR:+WERROR=$WERROR} PG_CONFIG="$PG_CONFIG" all >"$LR_WORK/build.log" 2>&1 || {
    cat "$LR_WORK/build.log"; return 1; }
  lr_tmp_install
}

# A TCP port on 127.0.0.1 that nothing listens on.
lr_free_port() {
  local p
  for p in $(shuf -i "${LR_PORTS:-20000-40000}" -n 200); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# lr_cluster_start NAME [extra postgresql.conf lines...]
# Starts a throwaway cluster in $LR_WORK/NAME on a free port (TCP on
# 127.0.0.1 and a socket in its own directory); sets LR_PORT and LR_SOCK.
# LR_SERVER_ENV (e.g. "LD_PRELOAD=... ASAN_OPTIONS=...") is applied to the
# server only, not to initdb or the clients.
lr_cluster_start() {
  local name=$1; shift
  local dir=$LR_WORK/$name
  LR_PORT=$(lr_free_port)
  LR_SOCK=$dir/sock
  lr_as_user mkdir -p "$dir/sock"
  lr_as_user "$LR_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --no-locale -E UTF8 >"$LR_WORK/$name.initdb.log" 2>&1 || {
    cat "$LR_WORK/$name.initdb.log"; return 1; }
  {
    echo "port = $LR_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir/sock'"
    echo "fsync = off"
    echo "max_worker_processes = 16"
    echo "max_parallel_workers = 8"
    local line
    for line in "$@"; do echo "$line"; done
  } | lr_as_user tee -a "$dir/data/postgresql.conf" >/dev/null
  lr_as_user env ${LR_SERVER_ENV:-} "$LR_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null || {
    cat "$dir/server.log"; return 1; }
}

lr_cluster_stop() {
  local dir=$LR_WORK/$1
  [ -d "$dir/data" ] && lr_as_user "$LR_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# lr_psql NAME [psql args...]: psql against cluster NAME as postgres.
lr_psql() {
  local dir=$LR_WORK/$1; shift
  local port
  port=$(sed -n 's/^port = //p' "$dir/data/postgresql.conf" | tail -1)
  lr_as_user "$LR_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U postgres "$@"
}

# lr_regress_run CLUSTER RESULTDIR TEST...
# Runs pg_regress tests against the running cluster CLUSTER, each in a fresh
# database of its own (created with pg_regress's usual settings and the
# extension), two at a time.  Prints one line per test, copies results to
# RESULTDIR/results and failures' diffs to RESULTDIR/regression.diffs (and
# prints them); sets LR_REGRESS_OK and LR_REGRESS_BAD.
lr_regress_run() {
  local cluster=$1 resdir=$2; shift 2
  local tests=("$@") t line
  local work=$LR_WORK/regress-$cluster
  mkdir -p "$work"
  cp -r "$LR_ROOT/sql" "$LR_ROOT/expected" "$work"/
  [ -d "$LR_ROOT/data" ] && cp -r "$LR_ROOT/data" "$work"/
  [ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$work"
  local dir=$LR_WORK/$cluster
  export LR_R_PORT=$(sed -n 's/^port = //p' "$dir/data/postgresql.conf" | tail -1)
  export LR_R_SOCK=$dir/sock LR_R_WORK=$work LR_BIN LR_USER
  export LR_R_REGRESS=$LR_TI$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress
  export LR_R_RUNAS="${LR_RUNAS[*]}"
  printf '%s\n' "${tests[@]}" | xargs -P 2 -I{} bash -c '
    t=$1; db=t_$1; out=$LR_R_WORK/out/$t
    mkdir -p "$out"; [ -n "$LR_R_RUNAS" ] && chown "$LR_USER" "$out"
    {
      $LR_R_RUNAS "$LR_BIN/psql" -X -q -h "$LR_R_SOCK" -p "$LR_R_PORT" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE template0" \
        -c "ALTER DATABASE $db SET lc_messages TO '"'C'"'" -c "ALTER DATABASE $db SET lc_monetary TO '"'C'"'" \
        -c "ALTER DATABASE $db SET lc_numeric TO '"'C'"'" -c "ALTER DATABASE $db SET lc_time TO '"'C'"'" \
        -c "ALTER DATABASE $db SET bytea_output TO '"'hex'"'" \
        -c "ALTER DATABASE $db SET timezone_abbreviations TO '"'Default'"'" &&
      $LR_R_RUNAS "$LR_BIN/psql" -X -q -h "$LR_R_SOCK" -p "$LR_R_PORT" -U postgres -d "$db" \
        -c "CREATE EXTENSION loan_risk" &&
      (cd "$LR_R_WORK" && $LR_R_RUNAS "$LR_R_REGRESS" --use-existing --host="$LR_R_SOCK" --port="$LR_R_PORT" \
         --user=postgres --dbname="$db" --bindir="$LR_BIN" \
         --inputdir="$LR_R_WORK" --outputdir="$out" "$t")
    } >"$out.log" 2>&1' _ {}

  LR_REGRESS_OK=0; LR_REGRESS_BAD=0
  rm -rf "$resdir/results" "$resdir/regression.diffs"
  mkdir -p "$resdir/results"
  for t in "${tests[@]}"; do
    line=$(grep -E "^(test |ok |not ok )" "$work/out/$t.log" | tail -1)
    if grep -Eq "(\.\.\. ok|^ok [0-9]+)" <<<"$line"; then
      LR_REGRESS_OK=$((LR_REGRESS_OK + 1)); echo "$line"
    else
      LR_REGRESS_BAD=$((LR_REGRESS_BAD + 1)); echo "${line:-test $t ... FAILED (did not run)}"
      grep -vE "^(=|test |     )" "$work/out/$t.log" | sed "s/^/    /" | tail -5
      [ -s "$work/out/$t/regression.diffs" ] && cat "$work/out/$t/regression.diffs" >> "$resdir/regression.diffs"
    fi
    cp "$work/out/$t/results/"* "$resdir/results/" 2>/dev/null
  done
  if [ -s "$resdir/regression.diffs" ]; then
    echo "== regression.diffs (also in $resdir/regression.diffs)"
    cat "$resdir/regression.diffs"
  fi
}
