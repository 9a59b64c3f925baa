#!/usr/bin/env bash
# The one test command (CI runs it through .ci/run). It installs what the suites need on Debian/Ubuntu, starts a
# throwaway PostgreSQL, builds once, runs every tests/*/*.csproj and ends with the line "N passed, N failed[, N skipped]".
# Without CI set, a suite whose prerequisite cannot be had is skipped and named in the summary; with CI set nothing
# is skipped: such tests run and fail with a message saying how to provide what is missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
START=$(date +%s)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

SKIPPED=()   # "suite: why", printed in the summary
PROBLEMS=()  # setup failures; under CI they fail the run
say() { printf '==> %s\n' "$*"; }

if [[ -n "${CI:-}" ]]; then
  for v in PHAROS_SKIP_POSTGRES PHAROS_SKIP_BROWSER PHAROS_SKIP_COMPAT; do
    if [[ -n "${!v:-}" ]]; then say "CI is set: ignoring $v=${!v}; every suite runs."; unset "$v"; fi
  done
else
  [[ "${PHAROS_SKIP_POSTGRES:-}" == 1 ]] && SKIPPED+=("PostgreSQL integration tests: PHAROS_SKIP_POSTGRES=1 was set by the caller")
  [[ "${PHAROS_SKIP_BROWSER:-}" == 1 ]] && SKIPPED+=("browser tests (tests/Pharos.BrowserTests): PHAROS_SKIP_BROWSER=1 was set by the caller")
  [[ "${PHAROS_SKIP_COMPAT:-}" == 1 ]] && SKIPPED+=("Segment client compatibility tests (tests/compat, SegmentCompatTests): PHAROS_SKIP_COMPAT=1 was set by the caller")
fi

# ---------------------------------------------------------------------------------------------------------------
# 1. Prerequisites: postgresql, chromium, fonts-noto-cjk (without the fonts Chinese renders as boxes in screenshots),
#    node and npm for Segment's client libraries in tests/compat.
pg_bin_dir() { local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]] && echo "$d"; }
have_fonts() {
  if command -v dpkg-query >/dev/null 2>&1; then dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed'
  else command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; fi
}

MISSING=()
[[ -n "$(pg_bin_dir || true)" ]] || MISSING+=(postgresql)
[[ -x /usr/bin/chromium ]] || MISSING+=(chromium)
have_fonts || MISSING+=(fonts-noto-cjk)
# A node from elsewhere (e.g. NodeSource) brings its own npm; Debian's npm package would conflict with it.
if ! command -v node >/dev/null 2>&1; then MISSING+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then MISSING+=(npm); fi

if ((${#MISSING[@]})); then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else SUDO=(none); fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "No apt-get here (not Debian/Ubuntu): could not install ${MISSING[*]}. Install them by hand."
    PROBLEMS+=("could not install ${MISSING[*]} (no apt-get)")
  elif [[ "${SUDO[0]:-}" == none ]]; then
    say "Not root and no password-less sudo: could not install ${MISSING[*]}. Run: sudo apt-get install ${MISSING[*]}"
    PROBLEMS+=("could not install ${MISSING[*]} (not root, no sudo)")
  else
    say "Installing ${MISSING[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${MISSING[@]}"; then
      say "Installed ${MISSING[*]}"
    else
      say "apt-get install ${MISSING[*]} failed"
      PROBLEMS+=("apt-get install ${MISSING[*]} failed")
    fi
  fi
fi

# Chromium: without it the browser suite cannot run.
if [[ ! -x /usr/bin/chromium && -z "${PHAROS_SKIP_BROWSER:-}" ]]; then
  if [[ -n "${CI:-}" ]]; then
    PROBLEMS+=("/usr/bin/chromium is missing: the browser tests will fail (apt-get install chromium)")
  else
    export PHAROS_SKIP_BROWSER=1
    SKIPPED+=("browser tests (tests/Pharos.BrowserTests): /usr/bin/chromium is missing (apt-get install chromium fonts-noto-cjk)")
  fi
fi
have_fonts || say "Warning: fonts-noto-cjk is missing; Chinese text will render as boxes in browser screenshots."

# Segment's own client libraries, pinned by tests/compat/package-lock.json, for the compatibility tests in the
# browser suite. Not needed when that suite is skipped anyway.
if [[ -z "${PHAROS_SKIP_BROWSER:-}" && -z "${PHAROS_SKIP_COMPAT:-}" ]]; then
  COMPAT_WHY=""
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    COMPAT_WHY="node or npm is missing (apt-get install nodejs npm)"
  else
    say "npm ci in tests/compat (node $(node --version))"
    if ! (cd tests/compat && npm ci --no-audit --no-fund); then COMPAT_WHY="npm ci in tests/compat failed (see above)"; fi
  fi
  if [[ -n "$COMPAT_WHY" ]]; then
    if [[ -n "${CI:-}" ]]; then
      PROBLEMS+=("$COMPAT_WHY: the Segment compatibility tests will fail")
    else
      export PHAROS_SKIP_COMPAT=1
      SKIPPED+=("Segment client compatibility tests (tests/compat, SegmentCompatTests): $COMPAT_WHY")
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. A throwaway PostgreSQL cluster: trust auth on 127.0.0.1 and a free port, data and socket in a temp dir.
PG_DIR=""
PG_BIN=""
pg_as() { # run a PostgreSQL binary as the owner of the cluster (the server refuses to run as root)
  if [[ $(id -u) -eq 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su -s /bin/sh postgres -c "$(printf '%q ' "$@")"; fi
  else "$@"; fi
}
stop_postgres() {
  if [[ -n "$PG_DIR" && -f "$PG_DIR/data/postmaster.pid" ]]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [[ -n "$PG_DIR" ]] && rm -rf "$PG_DIR"
  PG_DIR=""
}
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_postgres() {
  PG_BIN=$(pg_bin_dir || true)
  if [[ -z "$PG_BIN" ]]; then echo "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"; return 1; fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then echo "running as root but there is no 'postgres' user to own the cluster"; return 1; fi
  PG_DIR=$(mktemp -d /tmp/pharos-pg.XXXXXX)
  [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DIR"
  if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1; then
    echo "initdb failed:"; cat "$PG_DIR/initdb.log"; return 1
  fi
  local try port
  for try in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    port_free "$port" || continue
    if pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
         -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
         start >/dev/null 2>&1; then
      PG_PORT=$port
      return 0
    fi
    # A port taken between the check and the start: try another. Anything else shows in the log.
    grep -qi 'address already in use' "$PG_DIR/server.log" 2>/dev/null || { echo "pg_ctl start failed:"; tail -n 20 "$PG_DIR/server.log" 2>/dev/null; return 1; }
  done
  echo "no free port found for PostgreSQL"; return 1
}

if [[ -z "${PHAROS_SKIP_POSTGRES:-}" ]]; then
  PG_LOG=$(mktemp /tmp/pharos-pg-start.XXXXXX)
  # Not in $(...): start_postgres sets PG_DIR, PG_BIN and PG_PORT for this shell and the exit trap.
  if start_postgres >"$PG_LOG" 2>&1; then
    rm -f "$PG_LOG"
    export PHAROS_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
    say "PostgreSQL $("$PG_BIN/postgres" --version | sed -n 's/^postgres (PostgreSQL) \([^ ]*\).*/\1/p') running for this run: $PHAROS_TEST_POSTGRES (data in $PG_DIR)"
  else
    PG_ERR=$(cat "$PG_LOG"); rm -f "$PG_LOG"
    stop_postgres
    say "PostgreSQL could not be started: $PG_ERR"
    if [[ -n "${CI:-}" ]]; then
      PROBLEMS+=("PostgreSQL could not be started ($PG_ERR): its tests will fail")
    else
      export PHAROS_SKIP_POSTGRES=1
      SKIPPED+=("PostgreSQL integration tests: PostgreSQL could not be started (${PG_ERR%%$'\n'*})")
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# 3. Build once.
# Browser tests last: they are the slowest, and the fast suites report first.
PROJECTS=()
for proj in tests/*/*.csproj; do [[ -f "$proj" && "$proj" != *Browser* ]] && PROJECTS+=("$proj"); done
for proj in tests/*/*.csproj; do [[ -f "$proj" && "$proj" == *Browser* ]] && PROJECTS+=("$proj"); done
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

BUILD_OK=1
build() { dotnet build "$1" -c Release -nologo -clp:ErrorsOnly || BUILD_OK=0; }
SLN_MISSING=()
if [[ -f Pharos.slnx ]]; then
  while IFS= read -r proj; do [[ -f "$proj" ]] || SLN_MISSING+=("$proj"); done < <(sed -n 's/.*<Project Path="\([^"]*\)".*/\1/p' Pharos.slnx)
fi
if [[ -f Pharos.slnx && ${#SLN_MISSING[@]} -eq 0 ]]; then
  say "dotnet build Pharos.slnx -c Release"
  build Pharos.slnx
  # A test project not (yet) in the solution would otherwise fail at --no-build: build it on its own and say so.
  for proj in "${PROJECTS[@]}"; do
    if ! grep -q "Path=\"$proj\"" Pharos.slnx; then
      say "$proj is not in Pharos.slnx (dotnet sln Pharos.slnx add $proj); building it separately"
      build "$proj"
    fi
  done
else
  if [[ -f Pharos.slnx ]]; then say "Pharos.slnx lists projects that do not exist (${SLN_MISSING[*]}); building src/Pharos and each test project instead"
  else say "Pharos.slnx not found; building src/Pharos and each test project"; fi
  for proj in src/Pharos/Pharos.csproj "${PROJECTS[@]}"; do build "$proj"; done
fi

# ---------------------------------------------------------------------------------------------------------------
# 4. Run each test project; a TRX file per project is the record, whatever the exit code.
PASSED=0 FAILED=0 SKIP_COUNT=0
REPORT=()   # one line per project
FAILURES=() # failed test names and crashed projects

counter() { # counter NAME <<< '<Counters ...>'
  local v; v=$(sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p"); echo "${v:-0}"
}

if ((${#PROJECTS[@]} == 0)); then
  say "No test projects under tests/*/"
  FAILURES+=("no test projects found under tests/*/")
  FAILED=$((FAILED + 1))
fi

for proj in "${PROJECTS[@]}"; do
  name=$(basename "$proj" .csproj)
  trx="$RESULTS/$name.trx"
  if ((BUILD_OK == 0)); then
    REPORT+=("$name: not run, the build failed (counted as 1 failed)")
    FAILURES+=("$name: build failed")
    FAILED=$((FAILED + 1))
    continue
  fi
  say "dotnet test $proj"
  t0=$(date +%s)
  rc=0
  dotnet test "$proj" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" \
    --results-directory "$RESULTS" \
    --blame-hang-timeout 15m --blame-hang-dump-type none || rc=$?
  secs=$(( $(date +%s) - t0 ))
  if [[ ! -f "$trx" ]]; then
    REPORT+=("$name: exited $rc without writing a TRX file, crashed (counted as 1 failed), ${secs}s")
    FAILURES+=("$name: crashed without results (exit $rc)")
    FAILED=$((FAILED + 1))
    continue
  fi
  c=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  p=$(counter passed <<<"$c"); f=$(counter failed <<<"$c")
  # VSTest leaves notExecuted at 0 for skipped xunit tests; they are the ones counted in total but not executed.
  s=$(( $(counter total <<<"$c") - $(counter executed <<<"$c") ))
  ns=$(counter notExecuted <<<"$c"); ((ns > s)) && s=$ns
  e=$(( $(counter error <<<"$c") + $(counter timeout <<<"$c") + $(counter aborted <<<"$c") ))
  f=$((f + e))
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIP_COUNT=$((SKIP_COUNT + s))
  line="$name: $p passed, $f failed, $s skipped, ${secs}s"
  while IFS= read -r t; do [[ -n "$t" ]] && FAILURES+=("$name: $t"); done < <(
    grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$trx" | sed -n 's/.* testName="\([^"]*\)".*/\1/p' || true)
  if ((rc != 0 && f == 0)); then
    # dotnet test failed but no test did: the run itself broke (test host crash, hang, no tests found).
    line+=", but dotnet test exited $rc (counted as 1 failed)"
    FAILURES+=("$name: dotnet test exited $rc with no failed test recorded (crash or hang, see the output above)")
    FAILED=$((FAILED + 1))
  fi
  REPORT+=("$line")
done

# ---------------------------------------------------------------------------------------------------------------
# 5. Summary; the last line is the count.
echo
say "Summary ($(( $(date +%s) - START ))s; TRX files in ${RESULTS#"$ROOT"/})"
for l in "${REPORT[@]}"; do echo "  $l"; done
if ((${#FAILURES[@]})); then echo "Failed:"; for l in "${FAILURES[@]}"; do echo "  $l"; done; fi
if ((${#PROBLEMS[@]})); then echo "Setup problems:"; for l in "${PROBLEMS[@]}"; do echo "  $l"; done; fi
if ((${#SKIPPED[@]})); then echo "Skipped suites:"; for l in "${SKIPPED[@]}"; do echo "  $l"; done
else echo "Skipped suites: none"; fi

status=0
((FAILED > 0)) && status=1
[[ -n "${CI:-}" ]] && ((${#PROBLEMS[@]})) && status=1
if ((SKIP_COUNT > 0)); then echo "$PASSED passed, $FAILED failed, $SKIP_COUNT skipped"; else echo "$PASSED passed, $FAILED failed"; fi
exit "$status"
