#!/usr/bin/env bash
# The cost-per-task comparison of issue 16: kafka-task (TaskDispatcher + TaskWorker) against a
# raw KafkaProducer feeding a plain spring-kafka listener, on the same `table` burst (default
# 5000 x 20 tasks, io 0), run alternately PAIRS times in one go so that both engines see the same
# machine. One JVM per run; each run's output in benchmarks/work/results/<stamp>-cost/<name>.out
# (.err: logs); summary.txt gets each run's JSON line after the load average before it, then the
# seconds, the JVM's CPU per task, otherCpuSeconds and the kafka-task / spring-kafka ratio of
# each pair and of the medians.
#
#   ./mvnw -pl benchmarks -am package -DskipTests
#   scripts/kafka-broker.sh start --port 19092 --dir benchmarks/work/broker --partitions 6
#   benchmarks/run-cost.sh 127.0.0.1:19092 [PAIRS] [-- extra table options, e.g. --jfr f.jfr]
#
# Needs Java >= 21: $JAVA_HOME/bin/java, else java on the PATH; JAR overrides the jar (to
# measure another build), JAVA_OPTS adds JVM options. JOBS, REQUESTS, IO_MS and REPEAT change the burst.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BOOTSTRAP=${1:?usage: run-cost.sh HOST:PORT [PAIRS] [-- table options]}
shift
PAIRS=3
if [[ $# -gt 0 && $1 != -- ]]; then
	PAIRS=$1
	shift
fi
[[ ${1:-} == -- ]] && shift
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
# JAVA_OPTS: JVM options of every run (e.g. GC settings), split on spaces
read -r -a JVM_OPTIONS <<<"${JAVA_OPTS:-}"
JAR=${JAR:-$ROOT/benchmarks/target/kafka-task-benchmarks.jar}
JOBS=${JOBS:-5000}
REQUESTS=${REQUESTS:-20}
IO_MS=${IO_MS:-0}
REPEAT=${REPEAT:-3}
OUT=$ROOT/benchmarks/work/results/$(date -u +%Y%m%dT%H%M%SZ)-cost
mkdir -p "$OUT"

# field NAME JSON: a number field of a run's JSON line
field() {
	grep -o "\"$1\":[0-9.eE+-]*" <<<"$2" | head -n 1 | cut -d: -f2
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -a KT SK
for pair in $(seq 1 "$PAIRS"); do
	for engine in kafka-task spring-kafka; do
		name=$engine-$pair
		echo "== $name: table --engine $engine --jobs $JOBS --requests $REQUESTS --io-ms $IO_MS --repeat $REPEAT $* (load $(cut -d' ' -f1-3 /proc/loadavg))" \
			| tee -a "$OUT/summary.txt"
		"$JAVA" "${JVM_OPTIONS[@]}" -jar "$JAR" table --engine "$engine" --jobs "$JOBS" --requests "$REQUESTS" --io-ms "$IO_MS" \
			--repeat "$REPEAT" --bootstrap-servers "$BOOTSTRAP" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || true
		json=$(tail -n 1 "$OUT/$name.out")
		echo "$json" >>"$OUT/summary.txt"
		seconds=$(field seconds "$json")
		printf '%s: %s s, %s µs CPU/task in the JVM, otherCpuSeconds %s, lost %s\n' "$name" "${seconds:-?}" \
			"$(field cpuMicrosPerTask "$json")" "$(field otherCpuSeconds "$json")" "$(field lost "$json")" \
			| tee -a "$OUT/summary.txt"
		if [[ $engine == kafka-task ]]; then KT+=("${seconds:-nan}"); else SK+=("${seconds:-nan}"); fi
	done
	echo "pair $pair: kafka-task / spring-kafka = $(awk -v a="${KT[-1]}" -v b="${SK[-1]}" 'BEGIN { printf "%.2f", a / b }')" \
		| tee -a "$OUT/summary.txt"
done
kt=$(printf '%s\n' "${KT[@]}" | median)
sk=$(printf '%s\n' "${SK[@]}" | median)
echo "medians: kafka-task $kt s, spring-kafka $sk s, ratio $(awk -v a="$kt" -v b="$sk" 'BEGIN { printf "%.2f", a / b }')" \
	| tee -a "$OUT/summary.txt"
echo "results in $OUT"
