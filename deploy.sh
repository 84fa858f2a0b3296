#!/usr/bin/env bash
# Deploys the service to Azure with the az CLI, in one command: builds the package (./package.sh), deploys infra/main.bicep
# into the resource group (created if missing), uploads the package to the Flex Consumption app (OneDeploy) and prints the
# app's addresses and where the first administrator's setup secret is.
#
# Usage: ./deploy.sh -g RESOURCE_GROUP -l LOCATION -n NAME_PREFIX [-u PUBLIC_BASE_URL] [--dry-run]
#   -g, --resource-group   or AZURE_RESOURCE_GROUP
#   -l, --location         or AZURE_LOCATION (a region with Flex Consumption: az functionapp list-flexconsumption-locations)
#   -n, --name-prefix      or IMPRIVATA_NAME_PREFIX: 3-11 lowercase letters and digits, the start of every resource name
#   -u, --public-base-url  or IMPRIVATA_PUBLIC_BASE_URL: the https origin users see, also the OIDC issuer (your custom
#                          domain); default: the app's own https host name
#   --dry-run              print every command instead of running it (needs neither az nor a login)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

resource_group="${AZURE_RESOURCE_GROUP:-}"
location="${AZURE_LOCATION:-}"
name_prefix="${IMPRIVATA_NAME_PREFIX:-}"
public_base_url="${IMPRIVATA_PUBLIC_BASE_URL:-}"
dry_run=false
deployment="imprivata"
package="artifacts/imprivata-functions.zip"
console_path="/console"

usage() { sed -n '/^# Usage/,/^#   --dry-run/p' "$0" | sed 's/^# \{0,1\}//' >&2; }
die() { echo "deploy.sh: $*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    -g | --resource-group) resource_group="${2:-}"; shift 2 ;;
    -l | --location) location="${2:-}"; shift 2 ;;
    -n | --name-prefix) name_prefix="${2:-}"; shift 2 ;;
    -u | --public-base-url) public_base_url="${2:-}"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown argument '$1'" ;;
  esac
done

[ -n "$resource_group" ] || { usage; die "a resource group is required (-g or AZURE_RESOURCE_GROUP)"; }
[ -n "$location" ] || { usage; die "a location is required (-l or AZURE_LOCATION)"; }
[[ "$name_prefix" =~ ^[a-z0-9]{3,11}$ ]] || { usage; die "the name prefix must be 3-11 lowercase letters and digits (-n or IMPRIVATA_NAME_PREFIX), not '$name_prefix'"; }
public_base_url="${public_base_url%/}"
# The issuer must be https (OpenID Connect Discovery 1.0 section 3) and is never taken from a request's Host header.
[ -z "$public_base_url" ] || [[ "$public_base_url" =~ ^https://[^/]+$ ]] || die "the public base URL must be an https origin such as https://login.example.org, not '$public_base_url'"

# Commands are echoed on fd 3 (the terminal's stdout) so the ones whose output is captured still show.
exec 3>&1
show() { printf '+' >&3; printf ' %q' "$@" >&3; printf '\n' >&3; }
# run COMMAND...: echo, then run unless dry.
run() { show "$@"; $dry_run || "$@"; }
# query PLACEHOLDER COMMAND...: echo, then print the command's output (a dry run prints PLACEHOLDER instead).
query() {
  local placeholder="$1"; shift
  show "$@"
  if $dry_run; then echo "$placeholder"; else "$@"; fi
}

if ! $dry_run; then
  command -v az >/dev/null || die "the Azure CLI (az) is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli"
fi
subscription="$(query "<subscription>" az account show --query name -o tsv)" || die "not logged in to Azure: run 'az login' (and 'az account set -s <subscription>')"

# Whoever deploys may read the setup secret; everyone else (other subscription owners included) needs a role of their own.
deployer_type="$(query "user" az account show --query user.type -o tsv)" || deployer_type=""
deployer_id=""
deployer_principal_type="User"
case "$deployer_type" in
  user) deployer_id="$(query "<your-object-id>" az ad signed-in-user show --query id -o tsv)" || deployer_id="" ;;
  servicePrincipal)
    deployer_principal_type="ServicePrincipal"
    app_id="$(query "<app-id>" az account show --query user.name -o tsv)"
    deployer_id="$(query "<service-principal-object-id>" az ad sp show --id "$app_id" --query id -o tsv)" || deployer_id="" ;;
esac
[ -n "$deployer_id" ] || echo "deploy.sh: could not look up your object id; you will need a role on the setup secret to read it" >&2

printf '\n==> Deploying to %s, resource group %s (%s)\n' "$subscription" "$resource_group" "$location"
run ./package.sh "$package"
run az group create --name "$resource_group" --location "$location" --output none
parameters=("namePrefix=$name_prefix" "location=$location")
[ -z "$public_base_url" ] || parameters+=("publicBaseUrl=$public_base_url")
[ -z "$deployer_id" ] || parameters+=("deployerPrincipalId=$deployer_id" "deployerPrincipalType=$deployer_principal_type")
run az deployment group create --resource-group "$resource_group" --name "$deployment" \
  --template-file infra/main.bicep --parameters "${parameters[@]}" --output none

output() { query "<$1>" az deployment group show --resource-group "$resource_group" --name "$deployment" --query "properties.outputs.$1.value" -o tsv; }
app_name="$(output functionAppName)"
app_host="$(output functionAppHostName)"
issuer="$(output publicBaseUrl)"
vault="$(output keyVaultName)"
secret="$(output setupSecretName)"
bus="$(output serviceBusName)"
bus_host="$(output serviceBusNamespace)"
edge_rule="$(output radiusEdgeRuleName)"
issuer="${issuer%/}"

# Flex Consumption: the CLI detects the plan and publishes through OneDeploy (/api/publish) into the deployment container.
run az functionapp deployment source config-zip --resource-group "$resource_group" --name "$app_name" --src "$package"

cat <<EOF

==> Deployed ${app_name}
  App:             https://${app_host}/
  Issuer:          ${issuer}
  OIDC discovery:  ${issuer}/.well-known/openid-configuration
  Admin console:   ${issuer}${console_path}
  Setup secret:    Key Vault '${vault}', secret '${secret}': one use, creates the first administrator; expires 7 days after
                   this deployment (a new deployment writes a fresh one). Role assignments may take a few minutes to apply.
  Read it with:    az keyvault secret show --vault-name ${vault} --name ${secret} --query value -o tsv
  RADIUS edges:    Service Bus ${bus_host}, Bridge:Kind ServiceBus, Auth Sas, with the connection string of rule '${edge_rule}':
                   az servicebus namespace authorization-rule keys list --resource-group ${resource_group} --namespace-name ${bus} --name ${edge_rule} --query primaryConnectionString -o tsv
EOF
