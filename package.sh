#!/usr/bin/env bash
# Builds the Azure Functions (Flex Consumption, custom handler) deployment zip:
#   host.json                      at the root
#   <FunctionName>/function.json   one folder per function (from functions/Imprivata.Functions/FunctionApp)
#   app/                           the self-contained linux-x64 app, compiled ReadyToRun (ahead of time, so a cold instance
#                                  starts without JIT-compiling its startup path); host.json's defaultExecutablePath is
#                                  app/Imprivata.Functions
# Usage: ./package.sh [--no-ready-to-run] [output.zip]   (default: artifacts/imprivata-functions.zip)
#   --no-ready-to-run   plain IL (JIT at start): only for comparing cold starts (./bench.sh --cold-start)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ready_to_run=true
if [ "${1:-}" = "--no-ready-to-run" ]; then ready_to_run=false; shift; fi
out="${1:-$root/artifacts/imprivata-functions.zip}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
project="$root/functions/Imprivata.Functions"
app_dir="app"
executable="Imprivata.Functions"

command -v zip >/dev/null || { echo "package.sh: 'zip' is required (it keeps the executable bit in the archive)" >&2; exit 1; }

stage="$(mktemp -d "${TMPDIR:-/tmp}/imprivata-package.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

# Separate artifacts path (one per flavour): packaging never touches the obj/bin of a developer's or a test run's build.
# publish restores with the same runtime and ReadyToRun setting, so the SDK's own crossgen2 pack (for the build machine's
# RID) is restored with it; never pin its version.
artifacts="$root/artifacts/package-build"
[ "$ready_to_run" = true ] || artifacts="$root/artifacts/package-build-jit"
dotnet publish "$project" -c Release -r linux-x64 --self-contained \
  --artifacts-path "$artifacts" -o "$stage/$app_dir" \
  -p:PublishReadyToRun="$ready_to_run" -p:DebugType=none -p:DebugSymbols=false --nologo -v quiet

# The host only reads function folders at the root; the copy the build puts next to the binary is for standalone mode.
cp "$root/host.json" "$stage/host.json"
for dir in "$project"/FunctionApp/*/; do
  name="$(basename "$dir")"
  [ -f "$dir/function.json" ] || continue
  mkdir -p "$stage/$name"
  cp "$dir/function.json" "$stage/$name/function.json"
done

[ -f "$stage/$app_dir/$executable" ] || { echo "package.sh: $app_dir/$executable was not published" >&2; exit 1; }
chmod 0755 "$stage/$app_dir/$executable"

mkdir -p "$(dirname "$out")"
rm -f "$out"
# Info-ZIP records each file's unix mode in the external attributes; -X drops only uid/gid and extra timestamps.
(cd "$stage" && zip -qrX "$out" .)
echo "$out"
