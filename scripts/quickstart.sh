#!/usr/bin/env bash
# Quick start (npm run quickstart): on a fresh Debian machine with Node 20, installs the
# dependencies, makes sure a Redis answers, seeds demo data into an empty database, builds the
# console and serves it on $PORT (default 3000). Safe to run again: it skips an up-to-date
# install, reuses the Redis it started last time and never seeds a non-empty database.
#
# Redis, in this order: REDIS_URL if it answers; without REDIS_URL, the default
# redis://127.0.0.1:6379/0 if it answers; the redis-server this script started before; else it
# starts redis-server (daemonized, data under $CONSOLE_DATA_DIR/redis) on 6379, or on a free port
# when 6379 is taken by something that does not answer as Redis. QUICKSTART_REDIS_PORT changes 6379.
# Missing Debian packages (redis-server, and the compiler npm ci may need) are installed by
# scripts/preflight.sh, as root or with sudo -n, else it prints the apt-get command and stops.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PORT="${PORT:-3000}"
DATA_DIR="$(mkdir -p "${CONSOLE_DATA_DIR:-./data}" && cd "${CONSOLE_DATA_DIR:-./data}" && pwd)"
LOCAL_PORT="${QUICKSTART_REDIS_PORT:-6379}"
LOCAL_DIR="$DATA_DIR/redis"
export NEXT_TELEMETRY_DISABLED=1

say() { printf 'quickstart: %s\n' "$*"; }
die() {
  printf 'quickstart: %s\n' "$*" >&2
  exit 1
}
redact() { sed -E 's#//[^/@]*@#//***@#' <<<"$1"; }

# --- Node -------------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "Node.js 20.9 or later is required (https://nodejs.org/en/download)."
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 9) ? 0 : 1)' ||
  die "Node.js $(node -v) is too old: 20.9 or later is required."

# Exit 0 when something accepts TCP connections on 127.0.0.1:$1.
port_busy() {
  node -e 'const s = require("net").connect(+process.argv[1], "127.0.0.1");
    s.on("connect", () => process.exit(0)); s.on("error", () => process.exit(1));
    setTimeout(() => process.exit(1), 1000);' "$1"
}

# Exit 0 when an ISL console answers /api/health on $1.
console_answers() {
  node -e 'fetch(`http://127.0.0.1:${process.argv[1]}/api/health`, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.json()).then((j) => process.exit(j && Array.isArray(j.instances) ? 0 : 1), () => process.exit(1));' "$1"
}

# --- The console's port -----------------------------------------------------------------------
if port_busy "$PORT"; then
  if console_answers "$PORT"; then
    say "an ISL console already serves http://localhost:$PORT (stop it first to rebuild, or set PORT)."
    exit 0
  fi
  die "port $PORT is taken by another program; choose another one: PORT=3001 npm run quickstart"
fi

# --- Dependencies -----------------------------------------------------------------------------
# A fingerprint of what `npm ci` installs (the lock file and package.json's dependency lists), kept
# in node_modules after a successful install: a script-only change to package.json needs no reinstall.
deps_fingerprint() {
  node -e 'const fs = require("fs"); const h = require("crypto").createHash("sha256");
    const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
    h.update(JSON.stringify([p.dependencies, p.devDependencies, p.optionalDependencies, p.overrides]));
    if (fs.existsSync("package-lock.json")) h.update(fs.readFileSync("package-lock.json"));
    console.log(h.digest("hex"));'
}
STAMP=node_modules/.quickstart-deps
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(deps_fingerprint)" ]; then
  say "dependencies are up to date (delete node_modules to reinstall)."
else
  # The compiler npm ci falls back to for better-sqlite3; usually a prebuilt binary is fetched
  # instead, so a user who cannot install it goes on.
  "$BASH" scripts/preflight.sh build ||
    say "going on without them: npm ci needs them only if it cannot fetch a prebuilt better-sqlite3."
  if [ -f package-lock.json ]; then
    say "installing dependencies (npm ci) ..."
    npm ci --no-audit --no-fund
  else
    say "installing dependencies (npm install) ..."
    npm install --no-audit --no-fund
  fi
  deps_fingerprint >"$STAMP"
fi

# --- Redis ------------------------------------------------------------------------------------
# Prints the number of keys in the URL's database, or the error on stderr and exits 1.
redis_dbsize() {
  node -e 'const Redis = require("ioredis");
    const url = process.argv[1];
    const tls = url.startsWith("rediss:") || /^(true|1|yes)$/.test(process.env.REDIS_TLS || "") ? {} : undefined;
    const r = new Redis(url, { lazyConnect: true, connectTimeout: 2000, commandTimeout: 3000,
      maxRetriesPerRequest: 0, retryStrategy: () => null, tls });
    let socketError;
    r.on("error", (e) => { socketError ??= e; });
    r.connect().then(() => r.dbsize()).then(
      (n) => { console.log(n); r.disconnect(); },
      (e) => { console.error((socketError ?? e).message); r.disconnect(); process.exit(1); });' "$1"
}

REDIS_KEYS=""
use_redis() {
  local keys
  if keys="$(redis_dbsize "$1" 2>/dev/null)"; then
    REDIS_URL="$1"
    REDIS_KEYS="$keys"
    return 0
  fi
  return 1
}

if [ -n "${REDIS_URL:-}" ]; then
  if use_redis "$REDIS_URL"; then
    say "using REDIS_URL $(redact "$REDIS_URL") ($REDIS_KEYS keys)."
  else
    say "REDIS_URL $(redact "$REDIS_URL") does not answer ($(redis_dbsize "$REDIS_URL" 2>&1 | head -1)); using a local Redis instead."
    unset REDIS_URL
  fi
elif use_redis "redis://127.0.0.1:$LOCAL_PORT/0"; then
  say "using the Redis on 127.0.0.1:$LOCAL_PORT ($REDIS_KEYS keys)."
fi

if [ -z "${REDIS_URL:-}" ] && [ -f "$LOCAL_DIR/url" ] && use_redis "$(cat "$LOCAL_DIR/url")"; then
  say "using the redis-server started by an earlier quickstart: $REDIS_URL ($REDIS_KEYS keys)."
fi

if [ -z "${REDIS_URL:-}" ]; then
  # No Redis answers: install redis-server if it is missing (or say how, and stop).
  "$BASH" scripts/preflight.sh redis ||
    die "no Redis answers and redis-server could not be installed (above); or point REDIS_URL at a Redis you have:
    REDIS_URL=redis://host:6379/0 npm run quickstart"
  port="$LOCAL_PORT"
  while port_busy "$port"; do
    say "port $port is taken by something that does not answer as Redis; trying $((port + 1))."
    port=$((port + 1))
    [ "$port" -lt $((LOCAL_PORT + 50)) ] || die "no free port for redis-server between $LOCAL_PORT and $port"
  done
  mkdir -p "$LOCAL_DIR"
  # The ops guide's targets: volatile-lru, 2 GB cap, RDB snapshots "900 1 300 10 60 10000".
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$LOCAL_DIR" \
    --pidfile "$LOCAL_DIR/redis.pid" --logfile "$LOCAL_DIR/redis.log" \
    --maxmemory 2gb --maxmemory-policy volatile-lru --save "900 1 300 10 60 10000"
  for _ in $(seq 1 50); do
    use_redis "redis://127.0.0.1:$port/0" && break
    sleep 0.1
  done
  [ -n "${REDIS_URL:-}" ] || die "redis-server did not start on port $port; see $LOCAL_DIR/redis.log"
  echo "$REDIS_URL" >"$LOCAL_DIR/url"
  say "started redis-server on 127.0.0.1:$port (pid $(cat "$LOCAL_DIR/redis.pid"), data in $LOCAL_DIR;" \
    "it keeps running after the console stops: redis-cli -p $port shutdown stops it)."
fi
export REDIS_URL

# --- Demo data --------------------------------------------------------------------------------
if [ "$REDIS_KEYS" = "0" ]; then
  say "seeding demo data ..."
  set +e
  npm run -s seed:demo -- --url "$REDIS_URL"
  code=$?
  set -e
  case "$code" in
    0) ;;
    3) say "skipping demo data: seed:demo refused (see above)." ;;
    *) die "seed:demo failed (exit $code)" ;;
  esac
else
  say "skipping demo data: the database already holds $REDIS_KEYS keys and demo data only goes into an" \
    "empty one (to add the demo keys anyway: npm run seed:demo -- --url $(redact "$REDIS_URL") --force)."
fi
if [ -n "${ISL_INSTANCES_FILE:-}" ]; then
  say "note: ISL_INSTANCES_FILE is set, so the console serves the instances it lists, not only REDIS_URL."
fi

# --- Access -----------------------------------------------------------------------------------
# A development admin (its password kept beside the users file so each run can print it) and a
# random SESSION_SECRET, both under the data directory, unless you brought your own.
if [ -z "${CONSOLE_USERS_FILE:-}" ]; then
  CONSOLE_USERS_FILE="$DATA_DIR/users.json"
  if [ ! -f "$CONSOLE_USERS_FILE" ] || [ ! -f "$DATA_DIR/dev-admin.password" ]; then
    (umask 077 && node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))' >"$DATA_DIR/dev-admin.password")
    entry="$(npm run -s user:add -- dev-admin admin --password-stdin --development <"$DATA_DIR/dev-admin.password" 2>/dev/null)"
    (umask 077 && printf '[%s]\n' "$entry" >"$CONSOLE_USERS_FILE")
  fi
  # The development user is refused by a production server; the quick start allows it explicitly.
  export CONSOLE_USERS_FILE ALLOW_DEVELOPMENT_USER=true
  say "sign in as dev-admin with password $(cat "$DATA_DIR/dev-admin.password") (users: $CONSOLE_USERS_FILE; npm run user:add adds more)."
fi
if [ -z "${SESSION_SECRET:-}" ]; then
  [ -f "$DATA_DIR/session-secret" ] ||
    (umask 077 && node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))' >"$DATA_DIR/session-secret")
  SESSION_SECRET="$(cat "$DATA_DIR/session-secret")"
  export SESSION_SECRET
fi

# --- Build and serve --------------------------------------------------------------------------
say "building the console (next build) ..."
node_modules/.bin/next build

node_modules/.bin/next start --port "$PORT" &
next_pid=$!
trap 'kill -TERM "$next_pid" 2>/dev/null; wait "$next_pid" 2>/dev/null; exit 0' INT TERM
up=""
for _ in $(seq 1 120); do
  if console_answers "$PORT"; then
    up=yes
    break
  fi
  kill -0 "$next_pid" 2>/dev/null || {
    wait "$next_pid" || true
    die "next start exited before answering on port $PORT"
  }
  sleep 0.5
done
if [ -n "$up" ]; then
  say "the ISL Redis Console is up: http://localhost:$PORT (Redis: $(redact "$REDIS_URL")). Ctrl-C stops it."
else
  say "next start runs but /api/health has not answered yet; try http://localhost:$PORT in a moment."
fi
wait "$next_pid"
