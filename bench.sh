#!/usr/bin/env bash
# Benchmark: our service (in process, persisting to Azurite) side by side with oidc-provider (npm, in memory).
# Builds Release, runs tests/Imprivata.Benchmarks once (under 5 minutes) and prints the figures and the issue's targets.
# ./bench.sh --cold-start instead builds the deployment package twice (ReadyToRun and plain IL, with ./package.sh) and
# prints how fast each starts as the Functions host starts it. ./bench.sh --codes-only runs only the two code scenarios
# (authorize w/ SSO -> code, code redemption) and their targets: a shorter run for comparing changes on that path.
# ./bench.sh --radius instead runs remote access end to end beside FreeRADIUS (under 6 minutes, loopback only): the built
# RADIUS edge and the backend on Azurite at 200 password-only requests/s, then 1,000 held pushes approved within 30 s.
set -euo pipefail
cd "$(dirname "$0")"
say() { printf '\n==> %s\n' "$*"; }

if [ ! -d node_modules/oidc-provider ] || [ ! -x node_modules/.bin/azurite ]; then
  say "Installing npm tools from package-lock.json (Azurite, oidc-provider)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--cold-start" ]; then
  say "Building the deployment package, ReadyToRun and plain IL (./package.sh)"
  ./package.sh artifacts/cold-start/ready-to-run.zip
  ./package.sh --no-ready-to-run artifacts/cold-start/jit.zip
  set -- --cold-start ReadyToRun=artifacts/cold-start/ready-to-run.zip JIT=artifacts/cold-start/jit.zip
fi

if [ "${1:-}" = "--radius" ]; then
  if [ ! -x /usr/sbin/freeradius ] || [ ! -x /usr/bin/radclient ]; then
    say "Installing Debian freeradius and freeradius-utils (the comparison server and radclient)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends freeradius freeradius-utils
  fi
  say "Building the RADIUS edge (Release; the benchmark starts it as its own process)"
  dotnet build radius-edge/Imprivata.RadiusEdge -c Release -nologo -clp:ErrorsOnly
fi

say "Building the benchmark (Release)"
dotnet build tests/Imprivata.Benchmarks -c Release -nologo -clp:ErrorsOnly

say "Running the benchmark"
exec dotnet tests/Imprivata.Benchmarks/bin/Release/net10.0/Imprivata.Benchmarks.dll "$@"
