#!/usr/bin/env bash
# The task page under a steady 1,000 tasks/s: runs the sample app's jar (its in-process broker),
# dispatches orders through POST /demo/dispatch (two tasks each) at --rate tasks/s for --seconds,
# and meanwhile makes the reads the page makes, as often as it makes them (GET activity and
# GET tasks?limit=50 every 2 s, the overview every 10 s), timing each. At the end it loads the page
# in headless Chromium and counts the task rows it shows. Prints one JSON line: the rate reached,
# the tasks that succeeded, and p50/p99/max of each read in ms.
#
#   ./mvnw -q -pl sample-app -am package -DskipTests
#   JAVA_HOME=<a JDK 21+> benchmarks/run-page-load.sh [--rate 1000] [--seconds 60] [--port 18080]
set -euo pipefail
cd "$(dirname "$0")/.."

rate=1000
seconds=60
port=18080
while (($#)); do
	case "$1" in
		--rate) rate="$2"; shift 2 ;;
		--seconds) seconds="$2"; shift 2 ;;
		--port) port="$2"; shift 2 ;;
		*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done

jar=$(ls sample-app/target/sample-app-*.jar 2>/dev/null | grep -v plain | head -1 || true)
if [[ -z "$jar" ]]; then
	echo "no sample-app jar: ./mvnw -q -pl sample-app -am package -DskipTests" >&2
	exit 1
fi
# Java >= 21: $JAVA_HOME/bin/java, else java on the PATH (as run-suite.sh)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$JAVA" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])' ||
	{ echo "$JAVA is not Java 21 or newer: set JAVA_HOME" >&2; exit 1; }

work=$(mktemp -d)
app_pid=""
cleanup() {
	[[ -n "$app_pid" ]] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
	jobs -p | xargs -r kill 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

base="http://127.0.0.1:$port"
"$JAVA" -jar "$jar" --server.port="$port" --spring.main.banner-mode=off \
	--logging.level.root=warn >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 120); do
	curl -sf "$base/actuator/health" >/dev/null 2>&1 && break
	kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; exit 1; }
	sleep 1
done
curl -sf "$base/actuator/health" >/dev/null || { echo "the sample app did not come up" >&2; exit 1; }

# Tasks that succeeded so far (the meter is there once one did)
succeeded() {
	local body
	body=$(curl -sf "$base/actuator/metrics/kafka.task.executions?tag=outcome:success" || true)
	awk 'match($0, /"value":[0-9.E+]+/) { v = substr($0, RSTART + 8, RLENGTH - 8) } END { printf "%d", v + 0 }' \
		<<<"$body"
}

# The stream: every 100 ms, on a fixed schedule, a batch of rate/20 orders (two tasks each); a
# batch does not wait for the one before to be answered.
orders=$((rate / 20))
before=$(succeeded)
start=$(date +%s.%N)
(
	batches=$((seconds * 10))
	for ((i = 0; i < batches; i++)); do
		sleep "$(awk -v s="$start" -v i="$i" -v now="$(date +%s.%N)" 'BEGIN { d = s + i / 10 - now; print (d > 0) ? d : 0 }')"
		{ curl -sf -o /dev/null -X POST "$base/demo/dispatch?count=$orders" && echo ok || echo failed; } >>"$work/dispatched" &
	done
	wait
) &
stream=$!

# The page's reads, timed.
time_read() { curl -sf -o /dev/null -w '%{time_total}\n' "$base/actuator/kafkatasks$1" >>"$work/$2" || echo fail >>"$work/$2"; }
cycle=0
while kill -0 "$stream" 2>/dev/null; do
	time_read /activity activity &
	time_read '/tasks?limit=50' tasks &
	((cycle % 5 == 0)) && time_read '' overview &
	cycle=$((cycle + 1))
	sleep 2
done
wait "$stream" || true
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
sleep 5
after=$(succeeded)

rows=-1
if command -v chromium >/dev/null 2>&1; then
	dom=$(chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/chromium" \
		--virtual-time-budget=5000 --dump-dom "$base/kafka-task" 2>/dev/null || true)
	# rows of the latest tasks' table, its header row left out
	rows=$(perl -0ne 'if (/<table id="latest">(.*?)<\/table>/s) { my $n = () = $1 =~ /<tr>/g; print $n - 1 }' \
		<<<"$dom")
	rows=${rows:--1}
fi

stats() {
	if grep -q fail "$work/$1" 2>/dev/null; then failures=$(grep -c fail "$work/$1"); else failures=0; fi
	grep -v fail "$work/$1" | sort -n | awk -v f="$failures" '
		{ v[NR] = $1 * 1000 }
		END {
			if (NR == 0) { printf "{\"reads\":0,\"failed\":%d}", f; exit }
			p50 = v[int((NR - 1) * 0.5) + 1]; p99 = v[int((NR - 1) * 0.99) + 1]
			printf "{\"reads\":%d,\"failed\":%d,\"p50Ms\":%.1f,\"p99Ms\":%.1f,\"maxMs\":%.1f}", NR, f, p50, p99, v[NR]
		}'
}
batches_ok=$(grep -c ok "$work/dispatched" || true)
batches_failed=$(grep -c failed "$work/dispatched" || true)
printf '{"scenario":"page-load","rateAsked":%d,"seconds":%.1f,"dispatched":%d,"dispatchBatchesFailed":%d,' \
	"$rate" "$elapsed" "$((batches_ok * orders * 2))" "$batches_failed"
printf '"dispatchedPerSecond":%.0f,"succeeded":%d,"activity":%s,"tasks":%s,"overview":%s,"pageTaskRows":%d,' \
	"$(awk -v n="$((batches_ok * orders * 2))" -v s="$elapsed" 'BEGIN { print n / s }')" "$((after - before))" \
	"$(stats activity)" "$(stats tasks)" "$(stats overview)" "$rows"
printf '"load":"%s","commit":"%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(git rev-parse --short HEAD)"
