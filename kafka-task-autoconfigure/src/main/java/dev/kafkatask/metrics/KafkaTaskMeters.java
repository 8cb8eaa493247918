package dev.kafkatask.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The meters kafka-task registers, with their tags. Names share the prefix
 * {@code kafka.task}; Prometheus shows them with underscores ({@code kafka_task_…}).
 *
 * @author kafka-task
 */
public enum KafkaTaskMeters implements MeterDocumentation {

	/**
	 * Tasks dispatched and acknowledged by the broker.
	 */
	DISPATCHED {
		@Override
		public String getName() {
			return "kafka.task.dispatched";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.TASK, Tags.QUEUE };
		}
	},

	/**
	 * Dispatches that failed (the broker did not acknowledge, or the arguments are not JSON).
	 */
	DISPATCH_FAILURES {
		@Override
		public String getName() {
			return "kafka.task.dispatch.failures";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.TASK, Tags.QUEUE, Tags.EXCEPTION };
		}
	},

	/**
	 * Tasks handled, by outcome: {@code success}, {@code failure}, {@code dead_lettered} or
	 * {@code expired}.
	 */
	EXECUTIONS {
		@Override
		public String getName() {
			return "kafka.task.executions";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.TASK, Tags.QUEUE, Tags.OUTCOME };
		}
	},

	/**
	 * Time tasks ran, by outcome ({@code success} or {@code failure}), with a percentile
	 * histogram.
	 */
	EXECUTION_TIME {
		@Override
		public String getName() {
			return "kafka.task.execution.time";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.TIMER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.TASK, Tags.QUEUE, Tags.OUTCOME };
		}
	},

	/**
	 * Times a task blocked while pinned to its carrier thread (JFR {@code jdk.VirtualThreadPinned}
	 * events above the threshold), and for how long.
	 */
	CARRIER_PINNED {
		@Override
		public String getName() {
			return "kafka.task.carrier.pinned";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.TIMER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.TASK };
		}
	},

	/**
	 * Tasks running now in a worker, per queue.
	 */
	IN_FLIGHT {
		@Override
		public String getName() {
			return "kafka.task.in.flight";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.GAUGE;
		}

		@Override
		public KeyName[] getKeyNames() {
			return new KeyName[] { Tags.QUEUE, Tags.GROUP };
		}
	};

	/**
	 * Tags of kafka-task meters. None of them ever holds a task id.
	 */
	public enum Tags implements KeyName {

		/**
		 * Task name; {@code unknown} for records that name no registered task.
		 */
		TASK {
			@Override
			public String asString() {
				return "task";
			}
		},

		/**
		 * Queue name.
		 */
		QUEUE {
			@Override
			public String asString() {
				return "queue";
			}
		},

		/**
		 * Outcome of a task record.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * Simple class name of the exception of a failed dispatch.
		 */
		EXCEPTION {
			@Override
			public String asString() {
				return "exception";
			}
		},

		/**
		 * Consumer group of a worker.
		 */
		GROUP {
			@Override
			public String asString() {
				return "group";
			}
		}

	}

}
