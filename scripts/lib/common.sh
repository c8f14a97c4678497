# Helpers shared by scripts/kafka, scripts/redis and scripts/infra. Source it; it defines functions only.

# Prints a message on stderr, prefixed with the calling script's name.
log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# Prints a message on stderr and exits 1.
die() { log "$*"; exit 1; }

# Requires that every named command is on PATH; points at scripts/setup-deps otherwise.
require_commands() {
  local cmd missing=()
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  ((${#missing[@]} == 0)) || die "missing command(s): ${missing[*]} (run scripts/setup-deps as root)"
}

# Prints DIR as an absolute path, creating it if needed.
absolute_dir() {
  mkdir -p -- "$1" && (cd -- "$1" && pwd -P)
}

# Prints N distinct TCP ports on 127.0.0.1 that were free a moment ago, one a line. They are drawn below the kernel's
# ephemeral range (net.ipv4.ip_local_port_range), where no outgoing connection takes its source port: a port the
# kernel hands out for port 0 can be taken by a connect() before the server that was meant to have it binds it.
free_ports() {
  python3 -c 'import random, socket, sys
wanted = int(sys.argv[1])
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
candidates = list(range(10000, low)) if low > 11000 else []
random.shuffle(candidates)
ports = []
for port in candidates:
    if len(ports) == wanted:
        break
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        ports.append(port)
    except OSError:
        pass
    finally:
        s.close()
while len(ports) < wanted:  # No room below the ephemeral range: the kernel chooses.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    if port not in ports:
        ports.append(port)
print("\n".join(map(str, ports)))' "$1"
}

# Prints one such port.
free_port() {
  free_ports 1
}

# Whether process PID exists and has not exited (not a zombie), whatever it runs: a child just started may still be
# the forked shell, before its exec, so its command line is not yet the program's.
process_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# Succeeds if PID names a live (not zombie) process whose command line contains every further argument.
# Guards against signalling an unrelated process that reused a stale pid.
process_matches() {
  local pid=$1 cmdline needle
  shift
  process_alive "$pid" || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  for needle in "$@"; do
    [[ $cmdline == *"$needle"* ]] || return 1
  done
}

# Stops the process in PIDFILE if it is still the one described by the match arguments: SIGTERM, then SIGKILL
# after GRACE seconds. Removes PIDFILE. Succeeds if nothing was running.
# Usage: stop_pidfile PIDFILE GRACE NAME MATCH...
stop_pidfile() {
  local pidfile=$1 grace=$2 name=$3 pid deadline
  shift 3
  [[ -f $pidfile ]] || return 0
  pid=$(<"$pidfile")
  if process_matches "$pid" "$@"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while process_matches "$pid" "$@" && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if process_matches "$pid" "$@"; then
      log "$name (pid $pid) did not stop within ${grace}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 5))
      while process_matches "$pid" "$@" && ((SECONDS < deadline)); do
        sleep 0.1
      done
    fi
  fi
  rm -f -- "$pidfile"
}

# Makes DIR/tls hold the local CA and a current certificate for each NAME (scripts/certs issue), safely when several
# scripts ask at once. Prints nothing unless it fails (then what scripts/certs said, on stderr).
ensure_certs() {
  local dir=$1 out
  shift
  mkdir -p -- "$dir/tls"
  out=$(
    {
      flock 8 && "$(dirname -- "${BASH_SOURCE[0]}")/../certs" issue "$dir/tls" "$@" 2>&1 >/dev/null
    } 8>"$dir/tls.lock"
  ) || { printf '%s\n' "$out" >&2; return 1; }
}

# Makes FILE (mode 0600, in a directory of mode 0700) hold a random password, once; keeps an existing one. The
# password is never printed.
ensure_password() {
  local file=$1
  mkdir -p -- "$(dirname -- "$file")"
  chmod 700 -- "$(dirname -- "$file")"
  [[ -s $file ]] && return 0
  (umask 077 && openssl rand -hex 24 | tr -d '\n' >"$file.tmp.$$" && mv -- "$file.tmp.$$" "$file")
}
