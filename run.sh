#!/usr/bin/env bash
# Runs the whole service locally on its embedded defaults: Azurite (data kept in .data/azurite), software signing keys,
# the service on http://127.0.0.1:7071 and a demo (break-glass admin, demo user, demo OIDC app + sample relying party).
# Ctrl-C stops everything this script started; a second run reuses the data of the first.
set -euo pipefail
cd "$(dirname "$0")"
say() { printf '\n==> %s\n' "$*"; }
data="$PWD/.data"
mkdir -p "$data/azurite"
pids=()
cleanup() {
  trap - INT TERM EXIT
  if ((${#pids[@]})); then
    say "Stopping (${pids[*]})"
    kill "${pids[@]}" 2>/dev/null || true
    # Azurite saves its data and closes its three services on the signal, then its process may stay alive (3.37): once it
    # has logged them closed (or after 10 s), whatever is left is killed.
    for _ in $(seq 1 20); do
      alive=()
      for pid in "${pids[@]}"; do if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi; done
      ((${#alive[@]})) || break
      if [ "${alive[*]}" = "${azurite_pid:-}" ] && [ "$(grep -c 'successfully closed' "$data/azurite.log" 2>/dev/null)" -ge 3 ]; then break; fi
      sleep 0.5
    done
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    done
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap cleanup INT TERM EXIT

if [ ! -x node_modules/.bin/azurite ]; then
  say "Installing npm tools from package-lock.json (Azurite)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then
  say "Azurite already listens on 127.0.0.1:10002: using it"
else
  say "Starting Azurite (data in .data/azurite, log in .data/azurite.log)"
  node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --location "$data/azurite" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >"$data/azurite.log" 2>&1 &
  azurite_pid=$!
  pids+=($!)
fi

say "Building the service"
dotnet build functions/Imprivata.Functions -c Release -nologo -clp:ErrorsOnly

say "Starting the service on http://127.0.0.1:7071 (log in .data/service.log)"
dotnet functions/Imprivata.Functions/bin/Release/net10.0/Imprivata.Functions.dll \
  --contentRoot "$PWD/functions/Imprivata.Functions" \
  --Imprivata:Demo:Seed=true --Imprivata:Demo:Folder="$data" >"$data/service.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -fsS http://127.0.0.1:7071/health >/dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[-1]}" 2>/dev/null; then echo "The service stopped; see .data/service.log" >&2; tail -20 "$data/service.log" >&2; exit 1; fi
  sleep 1
done
curl -fsS http://127.0.0.1:7071/health >/dev/null || { echo "The service did not become healthy; see .data/service.log" >&2; exit 1; }

say "Ready"
python3 - "$data" <<'PY'
import json, os, sys
data = sys.argv[1]
demo = json.load(open(os.path.join(data, "demo.json")))
print(f"""
  Sample app (click "Sign in"):   http://127.0.0.1:7071/sample
  Demo user:                       {demo['username']} / {demo['password']}
  Admin console:                   http://127.0.0.1:7071/admin
  OIDC metadata URL:               http://127.0.0.1:7071/.well-known/openid-configuration
  Demo app client id / secret:     {demo['clientId']} / {demo['clientSecret']}
  Outbox (SMS and e-mail codes):   http://127.0.0.1:7071/outbox
  Approver page (push, on a phone): http://127.0.0.1:7071/approve
  Health:                          http://127.0.0.1:7071/health

  Web SSO asks for a second factor: at the first sign-in the demo user is offered to set one up
  (authenticator app, push approver or SMS code) or to be reminded later.""")
once = os.path.join(data, "breakglass-once.txt")
if os.path.exists(once):
    print(f"\n  Break-glass administrator:     breakglass / {open(once).read().strip()}")
    print("  (shown this once: store it safely now; it is not kept anywhere)")
    os.remove(once)
else:
    print("\n  Break-glass administrator:     breakglass (password was shown at the first run)")
PY
printf '\nPress Ctrl-C to stop.\n'
wait "${pids[-1]}"
