#!/usr/bin/env bash
# Sends a signed request to the gateway as a VCS organisation would (Standard Webhooks scheme), using only
# curl and openssl. Handy for trying the VCS API by hand and as a reference for your own client.
#
#   ORG=vcs-leeds-link-workers SECRET=whsec_... tools/vcs-request.sh GET  /vcs/v1/inbox
#   ORG=... SECRET=... tools/vcs-request.sh POST /vcs/v1/inbox/<messageId>/ack
#   ORG=... SECRET=... tools/vcs-request.sh POST /vcs/v1/events event.json
#
# GATEWAY defaults to http://localhost:8080.
set -euo pipefail
method=${1:?method}; path=${2:?path}; file=${3:-}
: "${ORG:?set ORG to your organisation id}" "${SECRET:?set SECRET to your whsec_ secret}"
gateway=${GATEWAY:-http://localhost:8080}
body=$(mktemp); trap 'rm -f "$body"' EXIT
if [ -n "$file" ]; then cat "$file" > "$body"; fi
id="req_$(date +%s)_$RANDOM$RANDOM"
ts=$(date +%s)
key=$(printf %s "${SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
# signed content: webhook-id.webhook-timestamp.body
sig=$({ printf '%s.%s.' "$id" "$ts"; cat "$body"; } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)
curl -sS -X "$method" "$gateway$path" \
  -H "Content-Type: application/json" \
  -H "webhook-organisation: $ORG" -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" \
  ${file:+--data-binary @"$body"}
echo
