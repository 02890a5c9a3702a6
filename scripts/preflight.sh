#!/usr/bin/env bash
# Preflight: makes sure the tools a step needs are installed, installing the missing ones from
# Debian's packages (as root, else with `sudo -n`), or says the exact command to run and exits 1.
# Used by the quick start (scripts/quickstart.sh), `npm test` (scripts/test-all.mjs) and .ci/run.
#
#   bash scripts/preflight.sh NEED...    NEED: redis, build, test (test = everything npm test uses)
#
# Exit 0: everything present (one line) or installed; 1: missing and not installable here;
# 2: bad arguments. Checks use only shell builtins, so a test can hide tools with PATH.
# For tests, without installing anything:
#   PREFLIGHT_DRY_RUN=1             print what would be installed and run, run nothing
#   PREFLIGHT_AS_USER=1             behave as a non-root user (sudo -n, else the message)
#   PREFLIGHT_CHROMIUM=/path        the browser the e2e tests drive (default /usr/bin/chromium)
set -euo pipefail

say() { printf 'preflight: %s\n' "$*"; }
CHROMIUM="${PREFLIGHT_CHROMIUM:-/usr/bin/chromium}"

# Each need: "check|package|why". A check starting with / is a file that must be executable;
# otherwise a command looked up on PATH.
need_redis=(
  "redis-server|redis-server|the quick start's local Redis and the integration tests' own Redis run redis-server"
  "redis-cli|redis-tools|the integration tests use redis-cli, and it stops the quick start's Redis"
)
need_build=(
  "g++|g++|npm ci compiles better-sqlite3 with it when no prebuilt binary can be fetched"
  "make|make|npm ci compiles better-sqlite3 with it when no prebuilt binary can be fetched"
  "python3|python3|node-gyp needs it when npm ci compiles better-sqlite3"
)
need_test_only=(
  "openssl|openssl|the TLS integration tests make their certificates with openssl"
  "$CHROMIUM|chromium|the end-to-end tests drive $CHROMIUM"
  "promtool|prometheus|the integration tests check the metrics and alert rules with promtool"
)

[ $# -gt 0 ] || {
  echo "usage: bash scripts/preflight.sh redis|build|test ..." >&2
  exit 2
}
entries=()
for need in "$@"; do
  case "$need" in
    redis) entries+=("${need_redis[@]}") ;;
    build) entries+=("${need_build[@]}") ;;
    test) entries+=("${need_redis[@]}" "${need_test_only[@]}" "${need_build[@]}") ;;
    *)
      echo "preflight: unknown need '$need' (redis, build or test)" >&2
      exit 2
      ;;
  esac
done

packages=()
reasons=()
checked=()
for entry in "${entries[@]}"; do
  IFS='|' read -r check package why <<<"$entry"
  case " ${checked[*]-} " in *" $check "*) continue ;; esac
  checked+=("$check")
  if [[ "$check" == /* ]]; then
    [ -x "$check" ] && continue
  else
    command -v "$check" >/dev/null 2>&1 && continue
  fi
  case " ${packages[*]-} " in *" $package "*) continue ;; esac
  packages+=("$package")
  reasons+=("$why")
done

if [ ${#packages[@]} -eq 0 ]; then
  say "nothing to install (${checked[*]} present)."
  exit 0
fi

# How to become root: nothing, sudo -n, or impossible.
dry="${PREFLIGHT_DRY_RUN:-}"
as_root=()
if [ "$EUID" -eq 0 ] && [ -z "${PREFLIGHT_AS_USER:-}" ]; then
  :
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  {
    say "missing: ${packages[*]}, and this user can install nothing (not root, and sudo -n does not work)."
    for i in "${!packages[@]}"; do
      say "  ${packages[$i]}: ${reasons[$i]}"
    done
    say "install them (as root, or with sudo) and run this again:"
    echo "    sudo apt-get update && sudo apt-get install -y ${packages[*]}"
  } >&2
  exit 1
fi

if [ -z "$dry" ] && ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${packages[*]}, and there is no apt-get here (not Debian?): install them with your system's packages." >&2
  exit 1
fi

for i in "${!packages[@]}"; do
  say "installing ${packages[$i]} (${reasons[$i]})"
done
update=(${as_root[@]+"${as_root[@]}"} apt-get update -qq)
install=(${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}")
if [ -n "$dry" ]; then
  say "dry run, would run: ${update[*]}"
  say "dry run, would run: ${install[*]}"
  exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! "${update[@]}" >"$log" 2>&1 || ! "${install[@]}" >>"$log" 2>&1; then
  tail -n 20 "$log" >&2
  say "apt-get failed (above); install them yourself and run this again: sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
say "installed ${packages[*]}."
