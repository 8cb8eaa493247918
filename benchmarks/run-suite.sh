#!/usr/bin/env bash
# Runs every benchmark of docs/benchmarks.md once against a running broker, one JVM per run, and
# keeps each run's output in benchmarks/work/results/<stamp>/<name>.out (.err: logs); summary.txt
# gets the last (JSON) line of each run, after the load average before it.
#
#   ./mvnw -pl benchmarks -am package -DskipTests
#   scripts/kafka-broker.sh start --port 19092 --dir benchmarks/work/broker --partitions 6
#   benchmarks/run-suite.sh 127.0.0.1:19092 [NAME-FILTER]
#
# Needs Java >= 21: $JAVA_HOME/bin/java, else java on the PATH. NAME-FILTER (a regex) picks runs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BOOTSTRAP=${1:?usage: run-suite.sh HOST:PORT [NAME-FILTER]}
FILTER=${2:-.}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=$ROOT/benchmarks/target/kafka-task-benchmarks.jar
OUT=$ROOT/benchmarks/work/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"

run() {
	local name=$1
	shift
	[[ $name =~ $FILTER ]] || return 0
	echo "== $name: $* (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/summary.txt"
	"$JAVA" -jar "$JAR" "$@" --bootstrap-servers "$BOOTSTRAP" >"$OUT/$name.out" 2>"$OUT/$name.err" || true
	tail -n 1 "$OUT/$name.out" | tee -a "$OUT/summary.txt"
}

# kafka-task against the targets
run table-300x20-io5000 table --jobs 300 --requests 20 --io-ms 5000 --repeat 3
run table-3000x20-io5000 table --jobs 3000 --requests 20 --io-ms 5000 --repeat 2
run table-200x20-io0 table --jobs 200 --requests 20 --io-ms 0 --repeat 3
run throughput-1m throughput --tasks 1000000
run hol-10000-slow60000 hol --tasks 10000 --slow-ms 60000
run inflight-100000-io10000 inflight --tasks 100000 --io-ms 10000
# the same shapes on a plain spring-kafka @KafkaListener (concurrency = partitions)
run spring-kafka-table-200x20-io0 table --engine spring-kafka --jobs 200 --requests 20 --io-ms 0 --repeat 3
run spring-kafka-table-300x20-io5000 table --engine spring-kafka --jobs 300 --requests 20 --io-ms 5000 --timeout-s 30
run spring-kafka-throughput-1m throughput --engine spring-kafka --tasks 1000000
run spring-kafka-hol-10000-slow60000 hol --engine spring-kafka --tasks 10000 --slow-ms 60000
echo "results in $OUT"
