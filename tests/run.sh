#!/usr/bin/env bash
# The one test command (README "Set-up", and what .ci/run calls): installs what the tests need on a Debian machine
# when it is missing, then runs every test with `dotnet test KetamineCds.sln` (extra arguments go to dotnet test).
#
# It installs, from Debian's packages, only what is not there yet:
#   postgresql               initdb/pg_ctl for the PostgreSQL store tests (each run starts a throwaway cluster)
#   chromium                 the browser Playwright drives (preview page, CDS Hooks Sandbox interop test)
#   fonts-noto-color-emoji   so the ✅/❌ markers in card text render in the browser tests' screenshots
#   nodejs, npm              the Medplum FHIR server and the CDS Hooks Sandbox build of the integration tests
# and the npm packages of tests/medplum (npm ci). Everything else (NuGet packages, the Sandbox's npm packages and
# build) the test run restores itself.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing+=(fonts-noto-color-emoji)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3) # the value-set builder test

if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing from Debian's packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "could not install ${missing[*]}; the tests that need them will fail and say why" >&2
  fi
fi

echo "== npm packages of the Medplum FHIR server (tests/medplum)"
if [ ! -d tests/medplum/node_modules/@medplum/fhir-router ]; then
  (cd tests/medplum && npm ci --no-audit --no-fund --loglevel=error) || echo "npm ci failed; the integration test will report it" >&2
fi

echo "== dotnet test KetamineCds.sln"
exec dotnet test KetamineCds.sln "$@"
