#!/usr/bin/env bash
# Runs every test: unit, integration (real Azurite) and end-to-end (headless Chromium, openid-client).
# Installs what is missing first: Debian packages with apt-get, npm packages into ./node_modules.
set -euo pipefail
cd "$(dirname "$0")"
say() { printf '\n==> %s\n' "$*"; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v zip >/dev/null 2>&1 || missing+=(zip)
command -v radclient >/dev/null 2>&1 || missing+=(freeradius-utils)
# The RADIUS edge's LDAP first factor is tested against a real OpenLDAP slapd the tests start on loopback.
[ -x /usr/sbin/slapd ] || missing+=(slapd)
command -v ldapadd >/dev/null 2>&1 || missing+=(ldap-utils)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
command -v oathtool >/dev/null 2>&1 || missing+=(oathtool)
if ((${#missing[@]})); then
  say "Installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "Need root for apt-get (or install: ${missing[*]})" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

say "Installing npm tools from package-lock.json (Azurite, openid-client, jose, oidc-provider)"
npm ci --no-audit --no-fund --loglevel=error

say "Building the solution (Release)"
dotnet build Imprivata.Serverless.sln -c Release -nologo -clp:ErrorsOnly

say "Running the tests"
results=$(mktemp -d)
status=0
dotnet test Imprivata.Serverless.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

# One plain closing line over every test assembly.
python3 - "$results" <<'PY' || true
import glob, re, sys
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<Counters [^>]*', text)
    if not m:
        continue
    attrs = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(attrs.get("passed", 0))
    failed += int(attrs.get("failed", 0)) + int(attrs.get("error", 0)) + int(attrs.get("timeout", 0))
    skipped += int(attrs.get("notExecuted", 0))
print(f"\n{passed} passed, {failed} failed, {skipped} skipped")
PY
if [ "$status" -ne 0 ]; then
  echo "dotnet test exited with status $status (a failed test, or a test assembly that could not run: see above)" >&2
fi
exit $status
