#!/usr/bin/env bash
# A 3-node KRaft Kafka cluster on 127.0.0.1 for fault runs: three processes, each broker and
# controller, with a static voter set, from Apache Kafka's own jars (those scripts/kafka-broker.sh
# assembles). One node can be killed (kill -9), stopped and started again with its data.
#
#   scripts/kafka-cluster.sh start --dir D --base-port P [--heap 384m] [--partitions 6] [--ttl S] [--owner PID] [--config KEY=VALUE]...
#   scripts/kafka-cluster.sh stop|status --dir D
#   scripts/kafka-cluster.sh kill|stop-node|start-node --dir D --node N
#   scripts/kafka-cluster.sh libs       # assembles the jars if needed and prints their directory
#
# Node N (1..3) listens on P+2(N-1) (clients) and P+2(N-1)+1 (controller): --base-port 19092 gives
# 19092/19093, 19094/19095, 19096/19097. A second client listener, PROXIED, on P+5+N (19098..19100)
# advertises P+8+N (19101..19103), where a TCP proxy may listen (the faults scenario's network
# fault): a client bootstrapped there reaches every node through the proxy, and only through it.
# Nothing listens on P+9..P+11 unless such a proxy runs. The cluster takes P..P+11. The data, logs
# and pid files live in D/node-N.
# start formats the three nodes with one cluster id (the first time) and starts them together: a
# node finishes starting once two controllers form the quorum. It prints one line on stdout,
# bootstrap=127.0.0.1:P,127.0.0.1:P+2,127.0.0.1:P+4; everything else goes to stderr.
# kill sends SIGKILL to node N; stop-node stops it cleanly (SIGTERM, then SIGKILL after 30 s);
# start-node starts it again from its data and waits until it serves.
# --ttl S: a watchdog stops the cluster after S seconds, and as soon as --owner PID exits, so that a
# run that dies cannot leave brokers behind. stop stops the watchdog too.
#
# Defaults for fault runs (override with --config): default.replication.factor=3,
# min.insync.replicas=2, replication factor 3 and min ISR 2 for the internal topics (offsets,
# transactions, share state), unclean.leader.election.enable=false; every other setting is Kafka's
# default (broker.session.timeout.ms 9 s, group.consumer.session.timeout.ms 45 s).
# Environment: KAFKA_VERSION, KAFKA_OPTS (extra JVM options for the nodes),
# KAFKA_CLUSTER_START_TIMEOUT (seconds, default 120), JAVA_HOME.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF=$ROOT/scripts/kafka-cluster.sh
NODES=(1 2 3)
START_TIMEOUT=${KAFKA_CLUSTER_START_TIMEOUT:-120}
STOP_TIMEOUT=30

say() { echo "kafka-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
	sed -n '6,9p' "${BASH_SOURCE[0]}" | sed 's/^#   /usage: /' >&2
	exit 2
}

# shellcheck source=kafka-common.sh
. "$ROOT/scripts/kafka-common.sh"

# --- java and jars -------------------------------------------------------------------------------

# The jars of scripts/kafka-broker.sh, assembled by it once.
libs() {
	LIBS=$("$ROOT/scripts/kafka-broker.sh" libs) || die "could not assemble the Kafka jars (scripts/kafka-broker.sh libs failed)"
	[ -d "$LIBS" ] || die "scripts/kafka-broker.sh libs printed no directory: $LIBS"
}

# --- nodes ---------------------------------------------------------------------------------------

# Whether process $1's command line holds $2. Not `... | grep -q` under pipefail: grep leaving
# early kills the writer with SIGPIPE, and the pipeline fails although grep matched.
cmdline_has() {
	local cmdline
	cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	[[ "$cmdline" == *"$2"* ]]
}

node_dir() { echo "$DIR/node-$1"; }
broker_port() { echo $((BASE_PORT + 2 * ($1 - 1))); }
controller_port() { echo $((BASE_PORT + 2 * ($1 - 1) + 1)); }
proxied_port() { echo $((BASE_PORT + 5 + $1)); }
proxy_port() { echo $((BASE_PORT + 8 + $1)); }
PORTS=12

bootstrap() {
	local n out=
	for n in "${NODES[@]}"; do out=${out:+$out,}127.0.0.1:$(broker_port "$n"); done
	echo "$out"
}

# Prints the pid of node N if it runs (the pid file alone is not trusted).
node_pid() {
	local d pid
	d=$(node_dir "$1")
	[ -f "$d/broker.pid" ] || return 1
	pid=$(cat "$d/broker.pid" 2>/dev/null)
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	alive "$pid" || return 1
	cmdline_has "$pid" "kafka.Kafka $d/server.properties" || return 1
	echo "$pid"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

show_log_tail() {
	local log
	log=$(node_dir "$1")/broker.log
	if [ -f "$log" ]; then
		say "last lines of $log:"
		tail -n "${2:-30}" "$log" | sed 's/^/  | /' >&2
	fi
}

write_config() {
	local n=$1 d voters= v
	d=$(node_dir "$n")
	for v in "${NODES[@]}"; do voters=${voters:+$voters,}$v@127.0.0.1:$(controller_port "$v"); done
	cat >"$d/server.properties" <<-EOF
		# Written by scripts/kafka-cluster.sh: node $n of a 3-node KRaft cluster on 127.0.0.1.
		process.roles=broker,controller
		node.id=$n
		listeners=PLAINTEXT://127.0.0.1:$(broker_port "$n"),PROXIED://127.0.0.1:$(proxied_port "$n"),CONTROLLER://127.0.0.1:$(controller_port "$n")
		advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$n"),PROXIED://127.0.0.1:$(proxy_port "$n"),CONTROLLER://127.0.0.1:$(controller_port "$n")
		listener.security.protocol.map=PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT,CONTROLLER:PLAINTEXT
		inter.broker.listener.name=PLAINTEXT
		controller.listener.names=CONTROLLER
		controller.quorum.voters=$voters
		log.dirs=$d/data
		num.partitions=$PARTITIONS
		auto.create.topics.enable=false
		default.replication.factor=3
		min.insync.replicas=2
		unclean.leader.election.enable=false
		offsets.topic.replication.factor=3
		transaction.state.log.replication.factor=3
		transaction.state.log.min.isr=2
		share.coordinator.state.topic.replication.factor=3
		share.coordinator.state.topic.min.isr=2
		group.initial.rebalance.delay.ms=0
		group.coordinator.rebalance.protocols=classic,consumer
	EOF
	if [ ${#EXTRA_CONFIG[@]} -gt 0 ]; then
		printf '%s\n' '# --config' "${EXTRA_CONFIG[@]}" >>"$d/server.properties"
	fi
	cat >"$d/log4j2.properties" <<-'EOF'
		status = warn
		appender.stdout.type = Console
		appender.stdout.name = STDOUT
		appender.stdout.layout.type = PatternLayout
		appender.stdout.layout.pattern = [%d] %p %m (%c)%n
		rootLogger.level = INFO
		rootLogger.appenderRef.stdout.ref = STDOUT
		logger.request.name = kafka.request.logger
		logger.request.level = WARN
	EOF
}

format_node() {
	local n=$1 d
	d=$(node_dir "$n")
	[ -f "$d/data/meta.properties" ] && return 0
	# Static voters (controller.quorum.voters): no --standalone nor --initial-controllers.
	if ! "$JAVA" -Xmx256m -cp "$LIBS/*" kafka.tools.StorageTool format -t "$CLUSTER_ID" \
		-c "$d/server.properties" >>"$d/broker.log" 2>&1; then
		show_log_tail "$n" 20
		die "formatting node $n ($d/data) failed"
	fi
}

# Launches node N in the background, detached (setsid), and records where its log of this start begins.
launch() {
	local n=$1 d log
	d=$(node_dir "$n")
	log=$d/broker.log
	printf '\n===== kafka-cluster.sh start node %s %s (%s)\n' "$n" "$(date -Is)" "$JAVA" >>"$log"
	echo $(($(stat -c %s "$log") + 1)) >"$d/log.start"
	rm -f "$d/broker.pid"
	# shellcheck disable=SC2016,SC2086 # $$ is the inner shell's; KAFKA_OPTS holds several options
	setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$d/broker.pid" \
		"$JAVA" "-Xms$HEAP" "-Xmx$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
		-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
		"-Dlog4j2.configurationFile=$d/log4j2.properties" ${KAFKA_OPTS:-} -cp "$LIBS/*" kafka.Kafka \
		"$d/server.properties" </dev/null >>"$log" 2>&1 &
}

# Waits until each given node logged 'Kafka Server started' (in KRaft: caught up with the metadata
# and unfenced) and accepts connections; kills them all and fails after START_TIMEOUT. grep reads
# the log through a process substitution: in a pipeline under pipefail, tail's SIGPIPE when grep
# stops at the match would fail the test once more than a pipe's worth of log follows the line.
await_started() {
	local deadline=$(($(now_ms) + START_TIMEOUT * 1000)) n d pid pending
	while :; do
		pending=()
		for n in "$@"; do
			d=$(node_dir "$n")
			pid=$(cat "$d/broker.pid" 2>/dev/null || true)
			if [ -n "$pid" ] && ! alive "$pid"; then
				show_log_tail "$n"
				for n in "$@"; do kill_node_quietly "$n"; done
				die "node $n exited during startup (see $d/broker.log)"
			fi
			if [ -z "$pid" ] || ! grep -q 'Kafka Server started' < <(tail -c "+$(cat "$d/log.start")" "$d/broker.log") \
				|| ! port_open "$(broker_port "$n")"; then
				pending+=("$n")
			fi
		done
		[ ${#pending[@]} -eq 0 ] && return 0
		if [ "$(now_ms)" -ge "$deadline" ]; then
			for n in "${pending[@]}"; do show_log_tail "$n"; done
			for n in "$@"; do kill_node_quietly "$n"; done
			die "node(s) ${pending[*]} did not start within $START_TIMEOUT s (killed node(s) $*)"
		fi
		sleep 0.2
	done
}

kill_node_quietly() {
	local pid
	if pid=$(node_pid "$1"); then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$(node_dir "$1")/broker.pid"
}

# Sends SIGTERM to the given nodes together, waits for them, SIGKILL after STOP_TIMEOUT.
stop_nodes() {
	local n pid pids=() t0 deadline
	t0=$(now_ms)
	for n in "$@"; do
		if pid=$(node_pid "$n"); then
			kill -TERM "$pid" 2>/dev/null || true
			pids+=("$n:$pid")
		fi
	done
	deadline=$(($(now_ms) + STOP_TIMEOUT * 1000))
	for entry in "${pids[@]}"; do
		n=${entry%%:*} pid=${entry#*:}
		while alive "$pid"; do
			if [ "$(now_ms)" -ge "$deadline" ]; then
				say "node $n still running $STOP_TIMEOUT s after SIGTERM: SIGKILL"
				kill -KILL "$pid" 2>/dev/null || true
				while alive "$pid"; do sleep 0.1; done
				break
			fi
			sleep 0.1
		done
		rm -f "$(node_dir "$n")/broker.pid"
	done
	[ ${#pids[@]} -eq 0 ] || say "stopped node(s) $(printf '%s ' "${pids[@]%%:*}")in $(elapsed "$t0")"
}

# --- watchdog ------------------------------------------------------------------------------------

watchdog_pid() {
	local pid
	pid=$(cat "$DIR/watchdog.pid" 2>/dev/null) || return 1
	[[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
	cmdline_has "$pid" "kafka-cluster-watchdog $DIR" || return 1
	echo "$pid"
}

start_watchdog() {
	local ttl=$1 owner=$2
	# A detached loop: stops the cluster when the time is up or the owner exits.
	# shellcheck disable=SC2016
	setsid bash -c '
		dir=$1 ttl=$2 owner=$3 self=$4
		end=$((SECONDS + ttl))
		while [ $SECONDS -lt $end ]; do
			if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
				echo "kafka-cluster watchdog: owner $owner exited: stopping the cluster" >&2
				break
			fi
			sleep 1
		done
		[ $SECONDS -lt $end ] || echo "kafka-cluster watchdog: $ttl s are up: stopping the cluster" >&2
		rm -f "$dir/watchdog.pid"
		"$self" stop --dir "$dir"
	' kafka-cluster-watchdog "$DIR" "$ttl" "$owner" "$SELF" </dev/null >>"$DIR/watchdog.log" 2>&1 &
	echo $! >"$DIR/watchdog.pid"
}

# --- commands ------------------------------------------------------------------------------------

valid_port() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

require_dir() {
	[ -n "$DIR" ] || die "--dir is required"
	[ -d "$DIR" ] || die "no cluster in $DIR (no such directory)"
	DIR=$(cd "$DIR" && pwd)
	[ -f "$DIR/cluster.env" ] || die "no cluster in $DIR (no cluster.env: start it first)"
	local base
	base=$(sed -n 's/^BASE_PORT=//p' "$DIR/cluster.env")
	if [ -n "$BASE_PORT" ] && [ "$BASE_PORT" != "$base" ]; then
		die "the cluster in $DIR uses --base-port $base, not $BASE_PORT"
	fi
	BASE_PORT=$base
	HEAP=$(sed -n 's/^HEAP=//p' "$DIR/cluster.env")
}

require_node() {
	[ -n "$NODE" ] || die "--node N is required (1, 2 or 3)"
	[[ "$NODE" =~ ^[123]$ ]] || die "bad --node: $NODE (1, 2 or 3)"
}

cmd_start() {
	[ -n "$DIR" ] || die "--dir is required"
	[ -n "$BASE_PORT" ] || die "--base-port is required"
	valid_port "$BASE_PORT" || die "bad --base-port: $BASE_PORT"
	valid_port $((BASE_PORT + PORTS - 1)) || die "bad --base-port: $BASE_PORT (the cluster takes $PORTS ports from it)"
	[[ "$HEAP" =~ ^[0-9]+[kKmMgG]?$ ]] || die "bad --heap: $HEAP (e.g. 384m)"
	[[ "$PARTITIONS" =~ ^[1-9][0-9]*$ ]] || die "bad --partitions: $PARTITIONS"
	[ -z "$TTL" ] || [[ "$TTL" =~ ^[1-9][0-9]*$ ]] || die "bad --ttl: $TTL (seconds)"
	[ -z "$OWNER" ] || { [[ "$OWNER" =~ ^[0-9]+$ ]] && alive "$OWNER"; } || die "bad --owner: $OWNER (a running process id)"
	[ -z "$OWNER" ] || [ -n "$TTL" ] || die "--owner needs --ttl"
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	if [ -f "$DIR/cluster.env" ]; then
		local base
		base=$(sed -n 's/^BASE_PORT=//p' "$DIR/cluster.env")
		[ "$base" = "$BASE_PORT" ] || die "$DIR holds a cluster on --base-port $base, not $BASE_PORT"
	fi

	local n running=() t0
	for n in "${NODES[@]}"; do
		if node_pid "$n" >/dev/null; then running+=("$n"); fi
	done
	if [ ${#running[@]} -eq 3 ]; then
		say "already running from $DIR"
		bootstrap | sed 's/^/bootstrap=/'
		return 0
	fi
	[ ${#running[@]} -eq 0 ] || die "node(s) ${running[*]} of $DIR already run: use start-node for the others, or stop first"
	local p
	for p in $(seq "$BASE_PORT" $((BASE_PORT + PORTS - 1))); do
		! port_open "$p" || die "port $p on 127.0.0.1 is already in use (the cluster takes $BASE_PORT..$((BASE_PORT + PORTS - 1)))"
	done

	pick_java
	libs
	t0=$(now_ms)
	printf 'BASE_PORT=%s\nHEAP=%s\n' "$BASE_PORT" "$HEAP" >"$DIR/cluster.env"
	CLUSTER_ID=$(cat "$DIR/cluster.id" 2>/dev/null || true)
	if [ -z "$CLUSTER_ID" ]; then
		# A Kafka Uuid (16 random bytes, URL-safe base64, no padding), never starting with '-'.
		CLUSTER_ID=-
		while [[ $CLUSTER_ID == -* ]]; do
			CLUSTER_ID=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
		done
		echo "$CLUSTER_ID" >"$DIR/cluster.id"
	fi
	for n in "${NODES[@]}"; do
		mkdir -p "$(node_dir "$n")"
		write_config "$n"
	done
	# Formatting is a JVM each: in parallel.
	local pids=()
	for n in "${NODES[@]}"; do format_node "$n" & pids+=($!); done
	for p in "${pids[@]}"; do wait "$p" || die "formatting failed (see $DIR/node-*/broker.log)"; done
	for n in "${NODES[@]}"; do launch "$n"; done
	await_started "${NODES[@]}"
	if [ -n "$TTL" ]; then
		start_watchdog "$TTL" "$OWNER"
		say "watchdog: stops the cluster after $TTL s${OWNER:+ or when process $OWNER exits}"
	fi
	say "started 3 nodes from $DIR (cluster id $CLUSTER_ID) in $(elapsed "$t0")"
	echo "bootstrap=$(bootstrap)"
}

cmd_stop() {
	[ -n "$DIR" ] || die "--dir is required"
	if [ ! -f "$DIR/cluster.env" ]; then
		say "no cluster in $DIR"
		return 0
	fi
	require_dir
	local pid
	if pid=$(watchdog_pid); then
		kill -TERM "$pid" 2>/dev/null || true
		rm -f "$DIR/watchdog.pid"
	fi
	stop_nodes "${NODES[@]}"
}

cmd_status() {
	require_dir
	local n pid up=0
	for n in "${NODES[@]}"; do
		if pid=$(node_pid "$n"); then
			echo "node $n running pid=$pid bootstrap=127.0.0.1:$(broker_port "$n")"
			up=$((up + 1))
		else
			echo "node $n not running"
		fi
	done
	echo "bootstrap=$(bootstrap)"
	[ $up -eq 3 ] || return 3
}

cmd_kill() {
	require_dir
	require_node
	local pid
	pid=$(node_pid "$NODE") || die "node $NODE is not running"
	kill -KILL "$pid"
	local deadline=$(($(now_ms) + 10000))
	while alive "$pid"; do
		[ "$(now_ms)" -lt "$deadline" ] || die "node $NODE (pid $pid) still alive 10 s after SIGKILL"
		sleep 0.05
	done
	rm -f "$(node_dir "$NODE")/broker.pid"
	say "killed node $NODE (pid $pid)"
}

cmd_stop_node() {
	require_dir
	require_node
	node_pid "$NODE" >/dev/null || die "node $NODE is not running"
	stop_nodes "$NODE"
}

cmd_start_node() {
	require_dir
	require_node
	local pid t0
	if pid=$(node_pid "$NODE"); then
		say "node $NODE already runs (pid $pid)"
		return 0
	fi
	[ -f "$(node_dir "$NODE")/data/meta.properties" ] || die "node $NODE has no formatted data in $(node_dir "$NODE")/data"
	! port_open "$(broker_port "$NODE")" || die "port $(broker_port "$NODE") on 127.0.0.1 is already in use"
	! port_open "$(controller_port "$NODE")" || die "port $(controller_port "$NODE") on 127.0.0.1 is already in use"
	pick_java
	libs
	t0=$(now_ms)
	launch "$NODE"
	await_started "$NODE"
	say "started node $NODE again in $(elapsed "$t0")"
}

# --- main ----------------------------------------------------------------------------------------

[ $# -ge 1 ] || usage
COMMAND=$1
shift
DIR='' BASE_PORT='' NODE='' HEAP=384m PARTITIONS=6 TTL='' OWNER='' EXTRA_CONFIG=()
while [ $# -gt 0 ]; do
	case "$1" in
		--dir) DIR=${2:-}; shift 2 || usage ;;
		--base-port) BASE_PORT=${2:-}; shift 2 || usage ;;
		--node) NODE=${2:-}; shift 2 || usage ;;
		--heap) HEAP=${2:-}; shift 2 || usage ;;
		--partitions) PARTITIONS=${2:-}; shift 2 || usage ;;
		--ttl) TTL=${2:-}; shift 2 || usage ;;
		--owner) OWNER=${2:-}; shift 2 || usage ;;
		--config)
			[[ "${2:-}" =~ ^[a-zA-Z0-9._-]+=.*$ ]] || die "bad --config: ${2:-} (KEY=VALUE, one broker property)"
			EXTRA_CONFIG+=("$2"); shift 2 ;;
		-h | --help) usage ;;
		*) say "unknown option: $1"; usage ;;
	esac
done

case "$COMMAND" in
	start) cmd_start ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	kill) cmd_kill ;;
	stop-node) cmd_stop_node ;;
	start-node) cmd_start_node ;;
	libs) libs; echo "$LIBS" ;;
	-h | --help | help) usage ;;
	*) say "unknown command: $COMMAND"; usage ;;
esac
