#!/usr/bin/env bash
# Benchmark: our service (in process, persisting to Azurite) side by side with oidc-provider (npm, in memory).
# Builds Release, runs tests/Imprivata.Benchmarks once (under 5 minutes) and prints the figures and the issue's targets.
# ./bench.sh --cold-start instead builds the deployment package twice (ReadyToRun and plain IL, with ./package.sh) and
# prints how fast each starts as the Functions host starts it. ./bench.sh --codes-only runs only the two code scenarios
# (authorize w/ SSO -> code, code redemption) and their targets: a shorter run for comparing changes on that path.
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

say "Building the benchmark (Release)"
dotnet build tests/Imprivata.Benchmarks -c Release -nologo -clp:ErrorsOnly

say "Running the benchmark"
exec dotnet tests/Imprivata.Benchmarks/bin/Release/net10.0/Imprivata.Benchmarks.dll "$@"
