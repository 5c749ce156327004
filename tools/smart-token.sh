#!/usr/bin/env bash
# Gets a SMART Backend Services access token from the gateway, as a GP system does: signs an RS384 client assertion
# with the client's private key (openssl) and exchanges it at the token endpoint. Prints the access token.
#
#   TOKEN=$(tools/smart-token.sh)                        # the embedded default's demo GP system (demo-gp)
#   curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/fhir/Task
#
# Settings (environment): GATEWAY (http://localhost:8080), CLIENT_ID (demo-gp), KEY (./data/demo-gp-client.pem,
# a PKCS#8 RSA private key), SCOPE ("system/*.read system/*.write").
set -euo pipefail
GATEWAY=${GATEWAY:-http://localhost:8080}
CLIENT_ID=${CLIENT_ID:-demo-gp}
KEY=${KEY:-./data/demo-gp-client.pem}
SCOPE=${SCOPE:-system/*.read system/*.write}
[ -r "$KEY" ] || { echo "No private key at $KEY: start the gateway once (./run.sh) or set KEY" >&2; exit 2; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
aud="$GATEWAY/oauth/token"
exp=$(( $(date +%s) + 240 ))
jti=$(openssl rand -hex 16)
header=$(printf '{"alg":"RS384","typ":"JWT"}' | b64url)
claims=$(printf '{"iss":"%s","sub":"%s","aud":"%s","exp":%d,"jti":"%s"}' "$CLIENT_ID" "$CLIENT_ID" "$aud" "$exp" "$jti" | b64url)
signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha384 -sign "$KEY" -binary | b64url)

response=$(curl -sS -X POST "$aud" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
  --data-urlencode "client_assertion=$header.$claims.$signature" \
  --data-urlencode "scope=$SCOPE")
token=$(printf '%s' "$response" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "Token endpoint refused: $response" >&2; exit 1; }
printf '%s\n' "$token"
