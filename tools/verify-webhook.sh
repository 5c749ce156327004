#!/usr/bin/env bash
# Verifies a webhook from spgateway (Standard Webhooks, v1 = HMAC-SHA256) with openssl, e.g. on one you saved with
# curl or tools/webhook-echo.py:
#
#   SECRET=whsec_... tools/verify-webhook.sh "$WEBHOOK_ID" "$WEBHOOK_TIMESTAMP" "$WEBHOOK_SIGNATURE" body.json
#
# Prints "valid" and exits 0, or "INVALID" and exits 1.
set -euo pipefail
id=${1:?webhook-id}; ts=${2:?webhook-timestamp}; signatures=${3:?webhook-signature}; body=${4:?body file}
: "${SECRET:?set SECRET to your whsec_ secret}"
now=$(date +%s)
if [ $(( now > ts ? now - ts : ts - now )) -gt 300 ]; then echo INVALID; exit 1; fi  # refuse replays
key=$(printf %s "${SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
# signed content: webhook-id.webhook-timestamp.raw body
expected=$({ printf '%s.%s.' "$id" "$ts"; cat "$body"; } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)
for signature in $signatures; do
  if [ "$signature" = "v1,$expected" ]; then echo valid; exit 0; fi
done
echo INVALID; exit 1
