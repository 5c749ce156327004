#!/usr/bin/env bash
# Reproduces every figure of docs/performance.md: builds the gateway and the benchmarks (tests skipped, nothing
# installed), then runs the benchmark suite. Results: benchmarks/target/results/{suite.json,summary.md} and, per load
# run, the gateway's log and data under benchmarks/target/results/runs/.
#
#   benchmarks/run.sh                      # the full suite (the 1M preload alone takes hours: ~3 on PostgreSQL, 5-9 on H2; see docs/performance.md)
#   benchmarks/run.sh --scale 0,10000      # fewer stored-referral sizes
#   benchmarks/run.sh --quick              # a two-minute check that the harness works (what CI runs)
#   benchmarks/run.sh --pg                 # on PostgreSQL: SPGATEWAY_TEST_PG_URL/USER/PASSWORD name an empty database
#   benchmarks/run.sh --store-cache DIR    # keep each preloaded store in DIR (PostgreSQL: a database per size) and
#                                          # top it up next time instead of preloading again: a stopped 1M preload resumes
#
# Measure on a quiet machine: check `uptime` first (load average well under the number of cores); the suite records
# the load average at its start and end in its report.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl benchmarks -am package
exec java -jar benchmarks/target/spgateway-benchmarks.jar suite "$@"
