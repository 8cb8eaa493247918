package dev.kafkatask.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of kafka-task. Their names are not under {@code kafka.task.}, the prefix
 * of kafka-task's own meters, although a meter observation handler makes timers of them.
 *
 * @author kafka-task
 */
public enum TaskObservation implements ObservationDocumentation {

	/**
	 * A dispatch, from the routing decision until the backend acknowledged the task, or
	 * failed to; a producer span whose context travels in the task's headers.
	 */
	DISPATCH {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultTaskDispatchObservationConvention.class;
		}

	},

	/**
	 * A task's run on a worker, of either backend; a consumer span, the child of the
	 * dispatch span whose context came in the task's headers, current while the task runs,
	 * and in error when the task threw.
	 */
	EXECUTION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultTaskExecutionObservationConvention.class;
		}

	};

	/**
	 * Name of the dispatch observation.
	 */
	public static final String DISPATCH_NAME = "kafkatask.dispatch";

	/**
	 * Name of the execution observation.
	 */
	public static final String EXECUTION_NAME = "kafkatask.execution";

	@Override
	public KeyName[] getLowCardinalityKeyNames() {
		return LowCardinalityKeyNames.values();
	}

	@Override
	public KeyName[] getHighCardinalityKeyNames() {
		return HighCardinalityKeyNames.values();
	}

	/**
	 * Low-cardinality key names, also tags of the timers made of the observations.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * The task name.
		 */
		TASK {

			@Override
			public String asString() {
				return "task";
			}

		},

		/**
		 * The queue.
		 */
		QUEUE {

			@Override
			public String asString() {
				return "queue";
			}

		},

		/**
		 * The backend: {@code kafka} or {@code rabbitmq}.
		 */
		BACKEND {

			@Override
			public String asString() {
				return "backend";
			}

		}

	}

	/**
	 * High-cardinality key names, on spans only.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * The task id.
		 */
		TASK_ID {

			@Override
			public String asString() {
				return "task.id";
			}

		}

	}

}
