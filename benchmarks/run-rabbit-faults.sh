#!/usr/bin/env bash
# Runs the rabbit-faults scenario of docs/reliability.md: a queue ramped from RabbitMQ to
# Kafka (50 %), worker JVMs on both legs, RabbitMQ restarted under a steady stream. Kafka is a fresh
# standalone broker on 127.0.0.1 (scripts/kafka-broker.sh), stopped afterwards whatever happens;
# RabbitMQ is the server on this machine (default amqp://guest:guest@127.0.0.1:5672), restarted with
# rabbitmqctl stop_app/start_app unless the scenario options say --restart proxy. Whatever happens
# (an error, Ctrl-C, a timeout), the trap runs rabbitmqctl start_app (a no-op when RabbitMQ runs),
# so RabbitMQ is never left stopped. The run is bounded by --timeout-s (default 900) and `timeout`.
#
#   ./mvnw -q -pl benchmarks -am package -DskipTests
#   benchmarks/run-rabbit-faults.sh [--port 19492] [--timeout-s 900] [-- SCENARIO-OPTIONS...]
#
# e.g. benchmarks/run-rabbit-faults.sh -- --workers 3 --rate 200 --on-unavailable fail,kafka
# Keeps benchmarks/work/results/rabbit-faults-<stamp>/: rabbit-faults.out (progress and one JSON
# line per restart, then the summary), rabbit-faults.err (logs), summary.jsonl (the JSON lines),
# machine.txt (load and busiest processes before and after) and, when the run failed, the workers'
# and the broker's logs. Needs Java >= 21 for the benchmarks ($JAVA_HOME/bin/java, else java) and,
# for the default restart, rabbitmqctl with the right to stop and start the application (root).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/benchmarks/target/kafka-task-benchmarks.jar
PORT=19492
TIMEOUT=900
while [ $# -gt 0 ]; do
	case "$1" in
		--port) PORT=${2:?--port needs a port}; shift 2 ;;
		--timeout-s) TIMEOUT=${2:?--timeout-s needs seconds}; shift 2 ;;
		--) shift; break ;;
		*) echo "run-rabbit-faults.sh: unknown option $1 (scenario options go after --)" >&2; exit 2 ;;
	esac
done
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] && [ "$TIMEOUT" -ge 120 ] || { echo "run-rabbit-faults.sh: --timeout-s must be >= 120" >&2; exit 2; }
RABBITMQCTL=rabbitmqctl
PROXY=false
for ((i = 1; i <= $#; i++)); do
	case "${!i}" in
		--restart=proxy) PROXY=true ;;
		--restart) j=$((i + 1)); [ "${!j:-}" = proxy ] && PROXY=true ;;
		--rabbitmqctl=*) RABBITMQCTL=${!i#--rabbitmqctl=} ;;
		--rabbitmqctl) j=$((i + 1)); RABBITMQCTL=${!j:-rabbitmqctl} ;;
	esac
done

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
major=$("$JAVA" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1)
[ "${major:-0}" -ge 21 ] || { echo "run-rabbit-faults.sh: $JAVA is Java ${major:-?}; the benchmarks need 21 or newer (set JAVA_HOME)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "run-rabbit-faults.sh: no $JAR: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
if [ "$PROXY" = false ]; then
	command -v "$RABBITMQCTL" >/dev/null || { echo "run-rabbit-faults.sh: no $RABBITMQCTL (or use -- --restart proxy)" >&2; exit 1; }
fi

OUT=$ROOT/benchmarks/work/results/rabbit-faults-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
BROKER=$(mktemp -d "${TMPDIR:-/tmp}/kafka-task-rabbit-faults.XXXXXX")
STATUS=1

machine() {
	{
		echo "== $1 $(date -Is), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
		uptime
		ps -eo pid,pcpu,rss,etime,args --sort=-pcpu | head -n 15 | cut -c1-220
	} >>"$OUT/machine.txt"
}

cleanup() {
	if [ "$PROXY" = false ]; then
		# a no-op when RabbitMQ runs; starts it if the scenario was stopped while it was down
		timeout 150 "$RABBITMQCTL" start_app >/dev/null 2>&1 || echo "run-rabbit-faults.sh: rabbitmqctl start_app failed: start RabbitMQ by hand" >&2
	fi
	"$ROOT/scripts/kafka-broker.sh" stop --dir "$BROKER" >/dev/null 2>&1 || true
	if [ "$STATUS" -ne 0 ]; then
		mkdir -p "$OUT/logs"
		find "$BROKER" "$OUT" -maxdepth 3 \( -name '*.log' -o -name '*.journal' \) -exec cp {} "$OUT/logs" \; 2>/dev/null || true
		echo "run-rabbit-faults.sh: failed ($STATUS); logs kept in $OUT/logs" >&2
	fi
	rm -rf "$BROKER"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

machine before
BOOTSTRAP=$("$ROOT/scripts/kafka-broker.sh" start --port "$PORT" --controller-port $((PORT + 1)) --dir "$BROKER" \
	--heap 512m | sed -n 's/^bootstrap=//p')
[ -n "$BOOTSTRAP" ] || { echo "run-rabbit-faults.sh: the broker printed no bootstrap address" >&2; exit 1; }
echo "run-rabbit-faults.sh: broker $BOOTSTRAP in $BROKER; output in $OUT" >&2
set +e
timeout --kill-after=30 "$TIMEOUT" "$JAVA" -jar "$JAR" rabbit-faults --bootstrap-servers "$BOOTSTRAP" \
	--work-dir "$OUT/work" --timeout-s $((TIMEOUT - 60)) "$@" >"$OUT/rabbit-faults.out" 2>"$OUT/rabbit-faults.err"
STATUS=$?
set -e
machine after
grep '^{' "$OUT/rabbit-faults.out" | tee "$OUT/summary.jsonl" || true
echo "run-rabbit-faults.sh: exit status $STATUS; results in $OUT" >&2
exit "$STATUS"
