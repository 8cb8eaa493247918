#!/usr/bin/env bash
# Runs the faults scenario of docs/reliability.md on a fresh 3-node KRaft cluster on 127.0.0.1
# (scripts/kafka-cluster.sh) and stops the cluster afterwards, whatever happens: a trap stops it on
# exit, and its watchdog stops it if this script is killed. The run is bounded by --timeout-s
# (default 1200) and `timeout`.
#
#   ./mvnw -q -pl benchmarks -am package -DskipTests
#   benchmarks/run-faults.sh [--base-port 29092] [--timeout-s 1200] [--cluster-config KEY=VALUE]... [-- SCENARIO-OPTIONS...]
#
# --cluster-config goes to scripts/kafka-cluster.sh start --config (broker settings, e.g.
# group.consumer.session.timeout.ms=10000 with group.consumer.min.session.timeout.ms=10000).
# e.g. benchmarks/run-faults.sh -- --faults broker-kill,worker-kill --rate 100
# Keeps benchmarks/work/results/faults-<stamp>/: faults.out (progress and one JSON line per
# fault), faults.err (logs), summary.jsonl (the JSON lines), machine.txt (load and busiest
# processes before and after), workers/ (the worker JVMs' logs) and, when the run failed, the
# brokers' logs and the workers' journals too.
# Needs Java >= 21 for the benchmarks: $JAVA_HOME/bin/java, else java on the PATH.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/benchmarks/target/kafka-task-benchmarks.jar
BASE_PORT=29092
TIMEOUT=1200
CLUSTER_CONFIG=()
while [ $# -gt 0 ]; do
	case "$1" in
		--base-port) BASE_PORT=${2:?--base-port needs a port}; shift 2 ;;
		--timeout-s) TIMEOUT=${2:?--timeout-s needs seconds}; shift 2 ;;
		--cluster-config) CLUSTER_CONFIG+=(--config "${2:?--cluster-config needs KEY=VALUE}"); shift 2 ;;
		--) shift; break ;;
		*) echo "run-faults.sh: unknown option $1 (scenario options go after --)" >&2; exit 2 ;;
	esac
done
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] && [ "$TIMEOUT" -ge 120 ] || { echo "run-faults.sh: --timeout-s must be >= 120" >&2; exit 2; }

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
major=$("$JAVA" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1)
[ "${major:-0}" -ge 21 ] || { echo "run-faults.sh: $JAVA is Java ${major:-?}; the benchmarks need 21 or newer (set JAVA_HOME)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "run-faults.sh: no $JAR: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }

OUT=$ROOT/benchmarks/work/results/faults-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
CLUSTER=$(mktemp -d "${TMPDIR:-/tmp}/kafka-task-faults.XXXXXX")
STATUS=1

machine() {
	{
		echo "== $1 $(date -Is), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
		uptime
		ps -eo pid,pcpu,rss,etime,args --sort=-pcpu | head -n 15 | cut -c1-220
	} >>"$OUT/machine.txt"
}

cleanup() {
	"$ROOT/scripts/kafka-cluster.sh" stop --dir "$CLUSTER" || true
	mkdir -p "$OUT/workers"
	find "$CLUSTER" -path '*/faults-*' -name 'w*.log' -exec cp {} "$OUT/workers" \; 2>/dev/null || true
	if [ "$STATUS" -ne 0 ]; then
		mkdir -p "$OUT/logs"
		find "$CLUSTER" \( -name '*.log' -o -name '*.journal' \) -exec cp --parents {} "$OUT/logs" \; 2>/dev/null || true
		echo "run-faults.sh: failed ($STATUS); logs kept in $OUT/logs" >&2
	fi
	rm -rf "$CLUSTER"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

machine before
BOOTSTRAP=$("$ROOT/scripts/kafka-cluster.sh" start --dir "$CLUSTER" --base-port "$BASE_PORT" \
	--ttl $((TIMEOUT + 120)) --owner $$ ${CLUSTER_CONFIG[@]+"${CLUSTER_CONFIG[@]}"} | sed -n 's/^bootstrap=//p')
[ -n "$BOOTSTRAP" ] || { echo "run-faults.sh: the cluster printed no bootstrap address" >&2; exit 1; }
echo "run-faults.sh: cluster $BOOTSTRAP in $CLUSTER; output in $OUT" >&2
set +e
timeout --kill-after=30 "$TIMEOUT" "$JAVA" -jar "$JAR" faults --bootstrap-servers "$BOOTSTRAP" \
	--cluster-dir "$CLUSTER" --timeout-s $((TIMEOUT - 60)) "$@" >"$OUT/faults.out" 2>"$OUT/faults.err"
STATUS=$?
set -e
machine after
grep '^{' "$OUT/faults.out" | tee "$OUT/summary.jsonl" || true
echo "run-faults.sh: exit status $STATUS; results in $OUT" >&2
exit "$STATUS"
