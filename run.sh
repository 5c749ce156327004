#!/usr/bin/env bash
# Builds spgateway and starts the browser demo on its embedded default (H2 file database under ./data, demo
# directory, demo logins, on first start one demo referral sent through its own FHIR endpoint, and the demo VCS inbox
# at /demo/vcs receiving the link-worker service's webhooks: the demo profile, application-demo.yml).
# Extra arguments go to the gateway, e.g. ./run.sh --server.port=9090
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests install
exec java -jar gateway/target/spgateway-gateway.jar --spgateway.demo.seed=true --spring.profiles.active=demo "$@"
