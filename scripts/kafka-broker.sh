#!/usr/bin/env bash
# A standalone single-node KRaft Kafka broker (broker and controller in one process) on 127.0.0.1,
# run from Apache Kafka's own jars, for benchmarks and fault tests. Tests and the sample app keep
# their in-process broker.
#
#   scripts/kafka-broker.sh start --port 19092 --dir /tmp/kt-broker [--controller-port P] [--heap 1g] [--partitions 6] [--config KEY=VALUE]...
#   scripts/kafka-broker.sh stop --dir /tmp/kt-broker
#   scripts/kafka-broker.sh status --dir /tmp/kt-broker
#   scripts/kafka-broker.sh libs        # assembles the jars if needed and prints their directory
#
# The jars of org.apache.kafka:kafka_2.13 $KAFKA_VERSION (default 4.2.2, the client version of the
# build) and their runtime dependencies are resolved once through ./mvnw and
# scripts/kafka-broker/pom.xml into benchmarks/work/kafka-$KAFKA_VERSION/libs (ignored by git).
#
# start prints one line on stdout, bootstrap=127.0.0.1:PORT; everything else goes to stderr.
# Environment: KAFKA_VERSION, KAFKA_TOOLS_VERSION, KAFKA_OPTS (extra JVM options for the broker),
# KAFKA_BROKER_START_TIMEOUT (seconds, default 60), JAVA_HOME.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KAFKA_VERSION=${KAFKA_VERSION:-4.2.2}
# Maven Central has no kafka-tools 4.2.2: its tools (TopicCommand, console clients, perf tests) come
# from 4.2.1 then, on the 4.2.2 broker and client jars.
case "$KAFKA_VERSION" in
	4.2.2) KAFKA_TOOLS_VERSION=${KAFKA_TOOLS_VERSION:-4.2.1} ;;
	*) KAFKA_TOOLS_VERSION=${KAFKA_TOOLS_VERSION:-$KAFKA_VERSION} ;;
esac
LIBS=$ROOT/benchmarks/work/kafka-$KAFKA_VERSION/libs
START_TIMEOUT=${KAFKA_BROKER_START_TIMEOUT:-60}
STOP_TIMEOUT=30

say() { echo "kafka-broker: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
	sed -n '6,9p' "${BASH_SOURCE[0]}" | sed 's/^#   /usage: /' >&2
	exit 2
}

# shellcheck source=kafka-common.sh
. "$ROOT/scripts/kafka-common.sh"

# --- jars ----------------------------------------------------------------------------------------

ensure_libs() {
	[ -f "$LIBS/.complete" ] && return 0
	local tmp=$LIBS.tmp.$$ t0 out
	t0=$(now_ms)
	say "assembling Kafka $KAFKA_VERSION jars (tools $KAFKA_TOOLS_VERSION) into $LIBS (once)"
	rm -rf "$tmp"
	if ! out=$(cd "$ROOT" && ./mvnw -q -f scripts/kafka-broker/pom.xml dependency:copy-dependencies \
		-Dkafka.version="$KAFKA_VERSION" -Dkafka-tools.version="$KAFKA_TOOLS_VERSION" \
		-DoutputDirectory="$tmp" 2>&1); then
		printf '%s\n' "$out" | tail -n 20 >&2
		rm -rf "$tmp"
		die "could not resolve the Kafka $KAFKA_VERSION jars"
	fi
	ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "no kafka_2.13 jar was resolved into $tmp"; }
	touch "$tmp/.complete"
	rm -rf "$LIBS"
	mv "$tmp" "$LIBS"
	say "jars ready in $(elapsed "$t0") ($(du -sh "$LIBS" | cut -f1))"
}

# --- process -------------------------------------------------------------------------------------

# Prints the pid of the broker running from DIR, if any (the pid file alone is not trusted).
running_pid() {
	local pid
	[ -f "$DIR/broker.pid" ] || return 1
	pid=$(cat "$DIR/broker.pid" 2>/dev/null)
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	alive "$pid" || return 1
	# grep reads a process substitution: 'tr | grep -q' under pipefail fails when grep exits first
	grep -qF "kafka.Kafka $DIR/server.properties" < <(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	echo "$pid"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

prop() { sed -n "s/^$1=//p" "$DIR/server.properties" 2>/dev/null | tail -n1; }

bootstrap_port() { prop listeners | sed -n 's/.*PLAINTEXT:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p'; }

show_log_tail() {
	if [ -f "$DIR/broker.log" ]; then
		say "last lines of $DIR/broker.log:"
		tail -n "${1:-40}" "$DIR/broker.log" | sed 's/^/  | /' >&2
	fi
}

# --- commands ------------------------------------------------------------------------------------

# Makes DIR absolute; creates it only for start.
set_dir() {
	[ -n "$DIR" ] || die "--dir is required"
	if [ "${1:-}" = create ]; then
		mkdir -p "$DIR"
	elif [ ! -d "$DIR" ]; then
		return 1
	fi
	DIR=$(cd "$DIR" && pwd)
}

valid_port() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

cmd_start() {
	[ -n "$PORT" ] || die "--port is required"
	valid_port "$PORT" || die "bad --port: $PORT"
	CONTROLLER_PORT=${CONTROLLER_PORT:-$((PORT + 1))}
	valid_port "$CONTROLLER_PORT" || die "bad --controller-port: $CONTROLLER_PORT"
	[ "$CONTROLLER_PORT" != "$PORT" ] || die "--controller-port must differ from --port"
	[[ "$HEAP" =~ ^[0-9]+[kKmMgG]?$ ]] || die "bad --heap: $HEAP (e.g. 512m, 1g)"
	[[ "$PARTITIONS" =~ ^[1-9][0-9]*$ ]] || die "bad --partitions: $PARTITIONS"
	set_dir create

	local pid running_port
	if pid=$(running_pid); then
		running_port=$(bootstrap_port)
		say "already running from $DIR (pid $pid)"
		[ "$running_port" = "$PORT" ] || say "note: it listens on port $running_port, not $PORT"
		echo "bootstrap=127.0.0.1:$running_port"
		return 0
	fi
	rm -f "$DIR/broker.pid"

	local p
	for p in "$PORT" "$CONTROLLER_PORT"; do
		! port_open "$p" || die "port $p on 127.0.0.1 is already in use"
	done

	pick_java
	ensure_libs
	local t0
	t0=$(now_ms)

	# Data formatted before is kept: a restart (the ports may change, the voter's endpoint follows).
	local data=$DIR/data

	cat >"$DIR/server.properties" <<-EOF
		# Written by scripts/kafka-broker.sh: single-node KRaft broker and controller on 127.0.0.1.
		process.roles=broker,controller
		node.id=1
		listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
		advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
		listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
		inter.broker.listener.name=PLAINTEXT
		controller.listener.names=CONTROLLER
		controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
		log.dirs=$data
		num.partitions=$PARTITIONS
		auto.create.topics.enable=false
		offsets.topic.replication.factor=1
		transaction.state.log.replication.factor=1
		transaction.state.log.min.isr=1
		share.coordinator.state.topic.replication.factor=1
		share.coordinator.state.topic.min.isr=1
		group.initial.rebalance.delay.ms=0
		group.coordinator.rebalance.protocols=classic,consumer
	EOF
	if [ ${#EXTRA_CONFIG[@]} -gt 0 ]; then
		printf '%s\n' '# --config' "${EXTRA_CONFIG[@]}" >>"$DIR/server.properties"
	fi

	cat >"$DIR/log4j2.properties" <<-'EOF'
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

	local log=$DIR/broker.log
	local log_opt=-Dlog4j2.configurationFile=$DIR/log4j2.properties
	local log_start
	printf '\n===== kafka-broker.sh start %s (Kafka %s, %s)\n' "$(date -Is)" "$KAFKA_VERSION" "$JAVA" >>"$log"

	if [ ! -f "$data/meta.properties" ]; then
		local cluster_id
		# A Kafka Uuid: 16 random bytes, URL-safe base64 without padding; like Kafka's own
		# Uuid.randomUuid(), never one that starts with '-', which the tool would read as an
		# option (1 in 64 formats failed with "argument --cluster-id/-t: expected one argument").
		cluster_id=-
		while [[ $cluster_id == -* ]]; do
			cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
		done
		# No log configuration: Log4j's default (errors only) spares broker.log a config dump.
		if ! "$JAVA" -Xmx256m -cp "$LIBS/*" kafka.tools.StorageTool format --standalone \
			-t "$cluster_id" -c "$DIR/server.properties" >>"$log" 2>&1; then
			show_log_tail 20
			die "formatting $data failed"
		fi
		say "formatted $data (cluster id $cluster_id)"
	fi

	log_start=$(($(stat -c %s "$log") + 1))
	# setsid: the broker outlives this script and the terminal or job that ran it.
	# shellcheck disable=SC2016,SC2086 # $$ is the inner shell's; KAFKA_OPTS holds several options
	setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$DIR/broker.pid" \
		"$JAVA" "-Xms$HEAP" "-Xmx$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
		-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
		"$log_opt" ${KAFKA_OPTS:-} -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties" \
		</dev/null >>"$log" 2>&1 &

	local deadline=$(($(now_ms) + START_TIMEOUT * 1000))
	pid=
	while :; do
		[ -n "$pid" ] || pid=$(cat "$DIR/broker.pid" 2>/dev/null || true)
		if [ -n "$pid" ] && ! alive "$pid"; then
			rm -f "$DIR/broker.pid"
			show_log_tail
			die "the broker exited during startup (see $log)"
		fi
		# Not 'tail | grep -q' under pipefail: once more than a pipe's worth of log follows the
		# line, tail dies of SIGPIPE and the pipeline fails although grep matched.
		if [ -n "$pid" ] && grep -q 'Kafka Server started' < <(tail -c "+$log_start" "$log") && port_open "$PORT"; then
			break
		fi
		if [ "$(now_ms)" -ge "$deadline" ]; then
			show_log_tail
			[ -z "$pid" ] || { kill -KILL "$pid" 2>/dev/null || true; }
			rm -f "$DIR/broker.pid"
			die "the broker did not start within $START_TIMEOUT s (killed it; see $log)"
		fi
		sleep 0.2
	done
	say "started from $DIR (pid $pid) in $(elapsed "$t0"), log $log"
	echo "bootstrap=127.0.0.1:$PORT"
}

cmd_stop() {
	local pid t0
	if ! set_dir || ! pid=$(running_pid); then
		rm -f "$DIR/broker.pid"
		say "not running from $DIR"
		return 0
	fi
	t0=$(now_ms)
	kill -TERM "$pid" 2>/dev/null || true
	local deadline=$(($(now_ms) + STOP_TIMEOUT * 1000))
	while alive "$pid"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			say "still running $STOP_TIMEOUT s after SIGTERM: sending SIGKILL to $pid"
			kill -KILL "$pid" 2>/dev/null || true
			while alive "$pid"; do sleep 0.1; done
			break
		fi
		sleep 0.2
	done
	rm -f "$DIR/broker.pid"
	say "stopped (pid $pid) in $(elapsed "$t0")"
}

cmd_status() {
	local pid
	if set_dir && pid=$(running_pid); then
		echo "running pid=$pid bootstrap=127.0.0.1:$(bootstrap_port)"
	else
		echo "not running"
		return 3
	fi
}

# --- main ----------------------------------------------------------------------------------------

[ $# -ge 1 ] || usage
COMMAND=$1
shift
PORT='' CONTROLLER_PORT='' DIR='' HEAP=1g PARTITIONS=6 EXTRA_CONFIG=()
while [ $# -gt 0 ]; do
	case "$1" in
		--port) PORT=${2:-}; shift 2 || usage ;;
		--controller-port) CONTROLLER_PORT=${2:-}; shift 2 || usage ;;
		--dir) DIR=${2:-}; shift 2 || usage ;;
		--heap) HEAP=${2:-}; shift 2 || usage ;;
		--partitions) PARTITIONS=${2:-}; shift 2 || usage ;;
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
	libs) pick_java; ensure_libs; echo "$LIBS" ;;
	-h | --help | help) usage ;;
	*) say "unknown command: $COMMAND"; usage ;;
esac
