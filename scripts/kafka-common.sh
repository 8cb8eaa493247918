# Helpers shared by scripts/kafka-broker.sh and scripts/kafka-cluster.sh; sourced, not run.
# The sourcing script defines say() and die() (with its own name in front) first.

now_ms() { date +%s%3N; }
elapsed() { local ms=$(($(now_ms) - $1)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }

java_major() {
	local v
	v=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)
	case "$v" in
		1.*) v=${v#1.}; echo "${v%%.*}" ;;
		*) v=${v%%[.+-]*}; echo "${v:-0}" ;;
	esac
}

# Sets JAVA: $JAVA_HOME/bin/java, else the java on the PATH; Kafka needs 17 or newer.
pick_java() {
	if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 17 ]; then
		JAVA=$JAVA_HOME/bin/java
	elif command -v java >/dev/null 2>&1; then
		JAVA=$(command -v java)
		[ "$(java_major "$JAVA")" -ge 17 ] || die "Kafka needs Java 17 or newer: $JAVA is Java $(java_major "$JAVA") (set JAVA_HOME)"
	else
		die "no java found: set JAVA_HOME to a JDK 17 or newer"
	fi
}

# Alive and not a zombie.
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}
