#!/usr/bin/env bash
# The RADIUS edge's evidence run: fuzzing (1,000,000 mutated packets), processing rate beside FreeRADIUS, end-to-end
# latency through Azurite queues, 1,000 held requests. Builds Release, runs once (under 6 minutes, loopback only) and
# prints the figures with PASS/MISS per target of the issue. Exit code 0 when every target passed.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n==> %s\n' "$*"; }

if [ ! -x /usr/sbin/freeradius ] || [ ! -x /usr/bin/radclient ]; then
  say "Installing Debian freeradius and freeradius-utils (the comparison server and radclient)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends freeradius freeradius-utils
fi

if [ ! -x node_modules/.bin/azurite-queue ]; then
  say "Installing npm tools from package-lock.json (Azurite)"
  npm ci --no-audit --no-fund --loglevel=error
fi

say "Building the RADIUS edge benchmark (Release)"
dotnet build tests/Imprivata.RadiusEdge.Benchmarks -c Release -nologo -clp:ErrorsOnly

say "Running the RADIUS edge benchmark"
exec dotnet tests/Imprivata.RadiusEdge.Benchmarks/bin/Release/net10.0/Imprivata.RadiusEdge.Benchmarks.dll "$@"
