package dev.kafkatask.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The meters kafka-task registers, with their tags. Names share the prefix
 * {@code kafka.task}; Prometheus shows them with underscores ({@code kafka_task_…}), counters
 * with {@code _total} and timers in seconds ({@code _seconds_count}, {@code _seconds_sum},
 * {@code _seconds_bucket}, {@code _seconds_max}). No tag ever holds a task id.
 *
 * @author kafka-task
 */
public enum KafkaTaskMeters implements MeterDocumentation {

	/**
	 * Tasks dispatched and acknowledged by the broker (Kafka's ack, RabbitMQ's confirm).
	 */
	DISPATCHED("kafka.task.dispatched", Meter.Type.COUNTER, "Tasks dispatched and acknowledged by the broker",
			Tags.TASK, Tags.QUEUE, Tags.BACKEND, Tags.OWNER, Tags.CLUSTER),

	/**
	 * Dispatches that failed: refused by the option whitelist, arguments that are not JSON,
	 * no transport, or the broker did not acknowledge.
	 */
	DISPATCH_FAILURES("kafka.task.dispatch.failures", Meter.Type.COUNTER, "Dispatches that failed", Tags.TASK,
			Tags.QUEUE, Tags.BACKEND, Tags.OWNER, Tags.EXCEPTION, Tags.CLUSTER),

	/**
	 * Tasks handled, by outcome: {@code success}, {@code failure}, {@code retry} (failed and
	 * retried later), {@code expired} (not run: past its {@code expires}),
	 * {@code dead_lettered} (not runnable: invalid payload, unknown task, wrong arguments),
	 * {@code deferred} (not due yet: a copy waits in the delay topics), {@code abandoned}
	 * (given up at its hard time limit) and {@code rejected} (a dispatch
	 * the option whitelist refused).
	 */
	EXECUTIONS("kafka.task.executions", Meter.Type.COUNTER, "Tasks handled, by outcome", Tags.TASK, Tags.QUEUE,
			Tags.BACKEND, Tags.OWNER, Tags.OUTCOME),

	/**
	 * Records and messages written to a dead-letter destination, by
	 * {@link dev.kafkatask.monitor.DeadLetterReason reason}: those that could not run and
	 * those that failed for good ({@code max-retries-exceeded}, {@code time-limit}).
	 */
	DEAD_LETTERS("kafka.task.dead.letters", Meter.Type.COUNTER, "Records and messages dead-lettered, by reason",
			Tags.TASK, Tags.QUEUE, Tags.BACKEND, Tags.OWNER, Tags.REASON, Tags.CLUSTER),

	/**
	 * Dead letters that could not be written: the record or message waits, unsettled, and the
	 * write is tried again after a back-off (its partition's commit waits meanwhile).
	 */
	DEAD_LETTER_FAILURES("kafka.task.dead.letter.failures", Meter.Type.COUNTER,
			"Dead letters that could not be written and are tried again", Tags.QUEUE, Tags.BACKEND, Tags.OWNER,
			Tags.CLUSTER),

	/**
	 * Dead letters a redrive dealt with, by outcome: {@code redriven} (sent back to their
	 * queue) or {@code skipped} (matched the redrive's filter and stayed: redriven before, or
	 * nothing to send). Dry runs are not counted.
	 */
	REDRIVES("kafka.task.redrives", Meter.Type.COUNTER, "Dead letters a redrive sent back to their queue, or skipped",
			Tags.QUEUE, Tags.BACKEND, Tags.OWNER, Tags.OUTCOME, Tags.CLUSTER),

	/**
	 * Exceptions caught by kafka-task's background threads (delay forwarder, reply listener,
	 * state meters, RabbitMQ drain check), each followed by a back-off and a new attempt.
	 */
	BACKGROUND_FAILURES("kafka.task.background.failures", Meter.Type.COUNTER,
			"Exceptions caught by kafka-task's background threads", Tags.THREAD),

	/**
	 * Time tasks ran, by outcome ({@code success}, {@code failure} or {@code retry}), with a
	 * percentile histogram.
	 */
	EXECUTION_TIME("kafka.task.execution.time", Meter.Type.TIMER, "Time tasks ran", Tags.TASK, Tags.QUEUE,
			Tags.BACKEND, Tags.OWNER, Tags.OUTCOME),

	/**
	 * Time from dispatch (or from its eta, when it had one) to the start of the run, with a
	 * percentile histogram.
	 */
	QUEUE_TIME("kafka.task.queue.time", Meter.Type.TIMER, "Time from dispatch, or eta, to the start of the run",
			Tags.TASK, Tags.QUEUE, Tags.BACKEND, Tags.OWNER),

	/**
	 * Retries scheduled: a failed run written back (through the delay topics, or republished
	 * to RabbitMQ) to run again later.
	 */
	RETRIES("kafka.task.retries", Meter.Type.COUNTER, "Retries scheduled", Tags.TASK, Tags.QUEUE, Tags.BACKEND,
			Tags.OWNER),

	/**
	 * Runs that reached a time limit: {@code soft} (the thread was interrupted) or {@code hard}
	 * (the task was abandoned).
	 */
	TIME_LIMIT_HITS("kafka.task.time.limit.hits", Meter.Type.COUNTER, "Runs that reached a time limit", Tags.TASK,
			Tags.QUEUE, Tags.BACKEND, Tags.OWNER, Tags.LIMIT),

	/**
	 * Times a task blocked while pinned to its carrier thread (JFR {@code jdk.VirtualThreadPinned}
	 * events above the threshold), and for how long.
	 */
	CARRIER_PINNED("kafka.task.carrier.pinned", Meter.Type.TIMER,
			"Times a task blocked while pinned to its carrier thread", Tags.TASK, Tags.OWNER),

	/**
	 * Routing decisions, by the backend chosen and the rule that chose it ({@code default},
	 * {@code queue:<name>}, {@code task:<name>}, with {@code +options} when the option policy
	 * moved the task).
	 */
	ROUTING_DECISIONS("kafka.task.routing.decisions", Meter.Type.COUNTER, "Routing decisions", Tags.TASK,
			Tags.QUEUE, Tags.BACKEND, Tags.OWNER, Tags.RULE, Tags.CLUSTER),

	/**
	 * Tasks running now, per backend and queue.
	 */
	IN_FLIGHT("kafka.task.in.flight", Meter.Type.GAUGE, "Tasks running now", Tags.BACKEND, Tags.QUEUE, Tags.OWNER,
			Tags.CLUSTER),

	/**
	 * Tasks of one assigned partition running now.
	 */
	PARTITION_IN_FLIGHT("kafka.task.partition.in.flight", Meter.Type.GAUGE, "Tasks of a partition running now",
			Tags.GROUP, Tags.QUEUE, Tags.OWNER, Tags.TOPIC, Tags.PARTITION, Tags.CLUSTER),

	/**
	 * Records of one assigned partition polled and waiting to start (the local buffer).
	 */
	PARTITION_BUFFERED("kafka.task.partition.buffered", Meter.Type.GAUGE,
			"Records of a partition polled and waiting to start", Tags.GROUP, Tags.QUEUE, Tags.OWNER, Tags.TOPIC,
			Tags.PARTITION, Tags.CLUSTER),

	/**
	 * Whether an assigned partition is paused (1) or fetched (0): paused when the worker is at
	 * its limits, or when its queue was paused.
	 */
	PARTITION_PAUSED("kafka.task.partition.paused", Meter.Type.GAUGE, "Whether a partition is paused (1) or not (0)",
			Tags.GROUP, Tags.QUEUE, Tags.OWNER, Tags.TOPIC, Tags.PARTITION, Tags.CLUSTER),

	/**
	 * The offset this worker last committed for an assigned partition (the next record to
	 * run after a restart); -1 before its first commit.
	 */
	PARTITION_COMMITTED_OFFSET("kafka.task.partition.committed.offset", Meter.Type.GAUGE,
			"Offset last committed for a partition", Tags.GROUP, Tags.QUEUE, Tags.OWNER, Tags.TOPIC, Tags.PARTITION, Tags.CLUSTER),

	/**
	 * Records of an assigned partition not yet committed: its end offset less the group's
	 * committed offset, read with an admin client off the consumer thread every monitor
	 * interval.
	 */
	PARTITION_LAG("kafka.task.partition.lag", Meter.Type.GAUGE, "Records of a partition not yet committed",
			Tags.GROUP, Tags.QUEUE, Tags.OWNER, Tags.TOPIC, Tags.PARTITION, Tags.CLUSTER),

	/**
	 * Rebalance callbacks of a worker, by type: {@code assigned}, {@code revoked} or
	 * {@code lost}.
	 */
	REBALANCES("kafka.task.rebalances", Meter.Type.COUNTER, "Rebalance callbacks of a worker", Tags.GROUP,
			Tags.TYPE, Tags.CLUSTER),

	/**
	 * Time a worker spent in rebalance callbacks (a revocation waits for the revoked
	 * partitions' running tasks and commits them), by type.
	 */
	REBALANCE_TIME("kafka.task.rebalance.time", Meter.Type.TIMER, "Time a worker spent in rebalance callbacks",
			Tags.GROUP, Tags.TYPE, Tags.CLUSTER),

	/**
	 * Whether a worker has stalled (1) or not (0): work waits (lag or buffered records) and
	 * yet no task finished and no offset moved for the stall timeout.
	 */
	WORKER_STALLED("kafka.task.worker.stalled", Meter.Type.GAUGE, "Whether a worker has stalled (1) or not (0)",
			Tags.GROUP, Tags.CLUSTER),

	/**
	 * Publishes to RabbitMQ by what the broker said: {@code confirmed}, {@code nacked} or
	 * {@code returned} (unroutable).
	 */
	RABBITMQ_PUBLISHES("kafka.task.rabbitmq.publishes", Meter.Type.COUNTER,
			"Publishes to RabbitMQ by the broker's answer", Tags.QUEUE, Tags.OWNER, Tags.OUTCOME),

	/**
	 * Messages ready in a RabbitMQ queue this application consumes, read every monitor
	 * interval.
	 */
	RABBITMQ_QUEUE_DEPTH("kafka.task.rabbitmq.queue.depth", Meter.Type.GAUGE, "Messages ready in a RabbitMQ queue",
			Tags.QUEUE, Tags.OWNER),

	/**
	 * Slots of schedules the beat dealt with, by outcome: {@code fired} (the task was
	 * dispatched and acknowledged), {@code failed} (the dispatch failed and is tried again
	 * with the same task id, or the slot's record failed and is written again) or
	 * {@code skipped} (a missed slot the schedule's missed-slot policy left out).
	 */
	SCHEDULE_FIRED("kafka.task.schedule.fired", Meter.Type.COUNTER, "Slots of schedules the beat dealt with, by outcome",
			Tags.SCHEDULE, Tags.TASK, Tags.OUTCOME),

	/**
	 * Whether this instance leads its group's beat (1), the only one that fires schedules,
	 * or not (0).
	 */
	SCHEDULE_LEADER("kafka.task.schedule.leader", Meter.Type.GAUGE,
			"Whether this instance leads the beat and fires schedules (1) or not (0)", Tags.GROUP),

	/**
	 * How late, in seconds, this instance fired the last slot of a schedule: the time from
	 * the slot to the broker's acknowledgement of its task.
	 */
	SCHEDULE_LAG("kafka.task.schedule.lag", Meter.Type.GAUGE, "Seconds from the last fired slot to its dispatch",
			Tags.SCHEDULE);

	private final String name;

	private final Meter.Type type;

	private final String description;

	private final KeyName[] keyNames;

	KafkaTaskMeters(String name, Meter.Type type, String description, KeyName... keyNames) {
		this.name = name;
		this.type = type;
		this.description = description;
		this.keyNames = keyNames;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Meter.Type getType() {
		return this.type;
	}

	@Override
	public KeyName[] getKeyNames() {
		return this.keyNames.clone();
	}

	/**
	 * Return the description registered with the meter.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * Tags of kafka-task meters. None of them ever holds a task id.
	 */
	public enum Tags implements KeyName {

		/**
		 * Task name; {@code unknown} for records that name no registered task.
		 */
		TASK("task"),

		/**
		 * Queue name.
		 */
		QUEUE("queue"),

		/**
		 * Backend: {@code kafka} or {@code rabbitmq}.
		 */
		BACKEND("backend"),

		/**
		 * Kafka cluster of a dispatch: {@code default} for the {@code spring.kafka.*} one, a
		 * name under {@code kafka-task.kafka.clusters}, or {@code none} when it goes to
		 * RabbitMQ.
		 */
		CLUSTER("cluster"),

		/**
		 * Team that owns the task or queue ({@code kafka-task.tasks.<name>.owner},
		 * {@code @KafkaTask(owner)}, {@code kafka-task.queue-owners.<queue>}); {@code unowned}
		 * when none is set.
		 */
		OWNER("owner"),

		/**
		 * Outcome of a task, the broker's answer to a publish, or what a redrive did with a
		 * dead letter.
		 */
		OUTCOME("outcome"),

		/**
		 * Simple class name of the exception of a failed dispatch.
		 */
		EXCEPTION("exception"),

		/**
		 * Name of the routing rule that decided.
		 */
		RULE("rule"),

		/**
		 * Time limit reached: {@code soft} or {@code hard}.
		 */
		LIMIT("limit"),

		/**
		 * Consumer group of a worker.
		 */
		GROUP("group"),

		/**
		 * Kafka topic.
		 */
		TOPIC("topic"),

		/**
		 * Kafka partition number.
		 */
		PARTITION("partition"),

		/**
		 * Type of a rebalance callback.
		 */
		TYPE("type"),

		/**
		 * Why a record or message was dead-lettered, for example {@code unknown-task}.
		 */
		REASON("reason"),

		/**
		 * A background thread of kafka-task: {@code delays}, {@code replies},
		 * {@code state-meters}, {@code rabbitmq-drain} or {@code beat}.
		 */
		THREAD("thread"),

		/**
		 * Name of a schedule of periodic tasks.
		 */
		SCHEDULE("schedule");

		private final String key;

		Tags(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
