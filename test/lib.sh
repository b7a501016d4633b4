# test/lib.sh: shared helpers for the test runner and the suites in test/suites.
# Source it; it defines variables and functions, and runs nothing by itself.
#
#   LR_ROOT     the source tree
#   LR_BUILD    build/ in the source tree (ignored by git)
#   LR_TI       a private PostgreSQL installation with this build of loan_risk,
#               so tests never touch (or depend on) the system installation
#   LR_BIN      its bin directory
#   LR_WORK     a scratch directory the server user can write (under /tmp)
#
# PostgreSQL refuses to run as root, so when the runner is root the servers
# and clients run as the "postgres" user (created by Debian's package).

LR_ROOT=${LR_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LR_BUILD=${LR_BUILD:-$LR_ROOT/build}
PG_CONFIG=${PG_CONFIG:-$( [ -x /usr/lib/postgresql/15/bin/pg_config ] && echo /usr/lib/postgresql/15/bin/pg_config || echo pg_config)}
LR_TI=${LR_TI:-$LR_BUILD/tmp_install}
LR_PG_BINDIR=$($PG_CONFIG --bindir)
LR_BIN=$LR_TI$LR_PG_BINDIR

if [ "$(id -u)" -eq 0 ]; then
  LR_RUNAS=(runuser -u postgres --)
  LR_USER=postgres
else
  LR_RUNAS=()
  LR_USER=$(id -un)
fi

lr_as_user() { "${LR_RUNAS[@]}" "$@"; }

# Makes LR_WORK: a fresh scratch directory owned by the server user.
lr_make_work() {
  LR_WORK=$(mktemp -d /tmp/loan_risk-test.XXXXXX)
  chmod 755 "$LR_WORK"
  [ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK"
  export LR_WORK
}

# Builds LR_TI: the server's bin, lib and share trees (hard links where the
# file system allows, copies otherwise) plus `make install DESTDIR=LR_TI`.
# PostgreSQL finds its lib and share directories relative to its binary, so
# the server started from LR_BIN loads this build of the extension.
lr_tmp_install() {
  rm -rf "$LR_TI"
  local d
  for d in "$($PG_CONFIG --bindir)" "$($PG_CONFIG --pkglibdir)" "$($PG_CONFIG --sharedir)"; do
    mkdir -p "$LR_TI$(dirname "$d")"
    cp -al "$d" "$LR_TI$d" 2>/dev/null || cp -a "$d" "$LR_TI$d"
  done
  # Never write through a hard link into the system's own files.
  rm -f "$LR_TI$($PG_CONFIG --pkglibdir)"/loan_risk* "$LR_TI$($PG_CONFIG --sharedir)"/extension/loan_risk*
  make -C "$LR_ROOT" -s install DESTDIR="$LR_TI" PG_CONFIG="$PG_CONFIG" >/dev/null
}

# A TCP port on 127.0.0.1 that nothing listens on.
lr_free_port() {
  local p
  for p in $(shuf -i 20000-40000 -n 200); do
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
  lr_as_user "$LR_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null || {
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
