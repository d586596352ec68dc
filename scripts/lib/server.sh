# Sourced by the scripts: starts the built server on a free loopback port and
# waits until it is ready, by the one way the server says so (--ready-file).
#
#   start_server BINARY LOG [ARG...]
#     runs BINARY --host 127.0.0.1 --port 0 --log-format json --ready-file F ARG...
#     with its output in LOG, prefixed by $SERVER_WRAPPER when set (e.g. valgrind);
#     sets SERVER_PID and SERVER_PORT, or prints LOG and returns 1 after 30 s
#     (SERVER_START_SECONDS) or when the process ends first.
#   stop_server   SIGTERM, then waits for it (its exit status is returned).
#   start_built_server LOG    builds the debug server when it is missing, then start_server.
#   need_chromium             installs Debian's chromium when it is missing.

start_server() {
  local binary="$1" log="$2" ready
  shift 2
  ready="$(mktemp -u "${TMPDIR:-/tmp}/injection-safety-ready.XXXXXX")"
  # shellcheck disable=SC2086 # the wrapper is a command line
  ${SERVER_WRAPPER:-} "$binary" --host 127.0.0.1 --port 0 --log-format json --ready-file "$ready" "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  SERVER_PORT=""
  local tries=$(( ${SERVER_START_SECONDS:-30} * 20 ))
  for _ in $(seq 1 "$tries"); do
    if [ -s "$ready" ]; then
      SERVER_PORT="$(cut -d' ' -f2 "$ready")"
      break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  rm -f "$ready"
  if [ -z "$SERVER_PORT" ]; then
    echo "the server did not start; its output:" >&2
    cat "$log" >&2
    return 1
  fi
}

stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID"
}

start_built_server() {
  local bin_path
  bin_path="$(swift build --show-bin-path)"
  [ -x "$bin_path/injection-safety-server" ] || swift build --product injection-safety-server
  start_server "$bin_path/injection-safety-server" "$1"
}

need_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
}
