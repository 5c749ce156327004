#!/usr/bin/env bash
# Sends your webhook receiver a webhook signed exactly as the gateway signs them (Standard Webhooks v1), with curl
# and openssl, so you can test your verification before going live:
#
#   SECRET=whsec_... tools/send-test-webhook.sh https://your.server/webhook [body.json]
#
# Without a body file it sends a referral.cancelled for a made-up referral. Prints the HTTP status your server gave.
set -euo pipefail
url=${1:?your webhook URL}; file=${2:-}
: "${SECRET:?set SECRET to your whsec_ secret}"
id="msg_test_$(date +%s)_$RANDOM"; ts=$(date +%s)
body=${file:+$(cat "$file")}
body=${body:-"{\"type\":\"referral.cancelled\",\"schemaVersion\":\"v1\",\"messageId\":\"$id\",\"referralId\":\"test-referral\",\"occurredAt\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"cancelledBy\":\"referrer\"}"}
key=$(printf %s "${SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
sig=$(printf '%s.%s.%s' "$id" "$ts" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)
curl -sS -o /dev/null -w '%{http_code}\n' -X POST "$url" -H 'Content-Type: application/json' \
  -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" --data-binary "$body"
