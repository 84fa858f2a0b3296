#!/usr/bin/env bash
# Runs the whole service locally on its embedded defaults: Azurite (data kept in .data/azurite), software signing keys,
# the service on http://localhost:7071 (loopback only) and a demo (break-glass admin, demo user, demo OIDC app + sample
# relying party). Ctrl-C stops everything this script started; a second run reuses the data of the first.
#
#   ./run.sh                  for this machine's browser only
#   ./run.sh --lan [ADDRESS]  for a phone on the same network too (push approval on a real phone): https on this
#                             machine's LAN address (found, or ADDRESS) with a certificate made for it in .data/lan
set -euo pipefail
cd "$(dirname "$0")"
lan=false
lan_address=""
while (($#)); do
  case "$1" in
    --lan)
      lan=true
      if (($# > 1)) && [[ "$2" != -* ]]; then lan_address=$2; shift; fi ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown argument: $1 (see ./run.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
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

# The demo (functions/Imprivata.Demo) is the service as packaged plus the demo seed, the sample app and the LAN mode; its
# content root (appsettings.json) is the service's.
say "Building the service"
dotnet build functions/Imprivata.Demo -c Release -nologo -clp:ErrorsOnly

args=(--contentRoot "$PWD/functions/Imprivata.Functions" --Imprivata:Demo:Seed=true --Imprivata:Demo:Folder="$data")
if $lan; then
  args+=(--Imprivata:Demo:Lan=true)
  if [ -n "$lan_address" ]; then args+=(--Imprivata:Demo:LanAddress="$lan_address"); fi
fi
# The demo writes where it answers (http://localhost:7071, or https on the LAN address) once it has chosen.
rm -f "$data/public-url"
say "Starting the service (log in .data/service.log)"
dotnet functions/Imprivata.Demo/bin/Release/net10.0/Imprivata.Demo.dll "${args[@]}" >"$data/service.log" 2>&1 &
pids+=($!)

base=""
tls=()
if $lan; then tls=(--cacert "$data/lan/ca.crt"); fi
healthy() { [ -n "$base" ] && curl -fsS ${tls[@]+"${tls[@]}"} "$base/health" >/dev/null 2>&1; }
for _ in $(seq 1 120); do
  if [ -z "$base" ] && [ -s "$data/public-url" ]; then base=$(cat "$data/public-url"); fi
  if healthy; then break; fi
  if ! kill -0 "${pids[-1]}" 2>/dev/null; then echo "The service stopped; see .data/service.log" >&2; tail -20 "$data/service.log" >&2; exit 1; fi
  sleep 1
done
healthy || { echo "The service did not become healthy; see .data/service.log" >&2; exit 1; }

say "Ready"
python3 - "$data" "$base" "$lan" <<'PY'
import json, os, sys, textwrap
data, base, lan = sys.argv[1], sys.argv[2], sys.argv[3] == "true"
demo = json.load(open(os.path.join(data, "demo.json")))
def para(text):
    print(textwrap.fill(text, width=116, initial_indent="  ", subsequent_indent="  "))
print(f"""
  Sample app (click "Sign in"):     {base}/sample
  Demo user:                        {demo['username']} / {demo['password']}
  Admin console:                    {base}/console
  OIDC metadata URL:                {base}/.well-known/openid-configuration
  Demo app client id / secret:      {demo['clientId']} / {demo['clientSecret']}
  Outbox (SMS and e-mail codes):    {base}/outbox (administrators only: sign in to the admin console first)
  Approver page (push, on a phone): {base}/approve
  Health:                           {base}/health
""")
if demo.get("signIn"):
    para(demo["signIn"])
if lan:
    port = base.rsplit(":", 1)[1]
    print()
    para(f"A phone on the same Wi-Fi opens these addresses (this machine's firewall must let in TCP port {port}). The "
         "certificate is this demo's own: accept the browser's warning, or install the demo's certificate authority on the "
         f"phone once, from {base}/sample/ca.crt (the same file as .data/lan/ca.crt; on iOS then turn on full trust for it "
         "in Settings > General > About > Certificate Trust Settings). At the \"Set up\" step of a sign-in, scan the QR code "
         "with the phone. Security keys (WebAuthn) are not offered on an IP address: run without --lan to try them.")
else:
    print()
    para("Push approval on a real phone: ./run.sh --lan (serves https on this machine's LAN address; see the README).")
once = os.path.join(data, "breakglass-once.txt")
if os.path.exists(once):
    print(f"\n  Break-glass administrator:        breakglass / {open(once).read().strip()}")
    print("  (shown this once: store it safely now; it is not kept anywhere)")
    os.remove(once)
else:
    print("\n  Break-glass administrator:        breakglass (password was shown at the first run)")
PY
printf '\nPress Ctrl-C to stop.\n'
wait "${pids[-1]}"
