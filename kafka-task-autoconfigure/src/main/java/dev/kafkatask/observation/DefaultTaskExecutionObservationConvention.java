package dev.kafkatask.observation;

import io.micrometer.common.KeyValues;

import dev.kafkatask.observation.TaskObservation.HighCardinalityKeyNames;
import dev.kafkatask.observation.TaskObservation.LowCardinalityKeyNames;
import dev.kafkatask.task.TaskContext;

/**
 * The default {@link TaskExecutionObservationConvention}: low-cardinality key values
 * {@code task}, {@code queue} and {@code backend}, the high-cardinality {@code task.id}, and
 * the contextual name (the span's) {@code execute <task>}.
 *
 * @author kafka-task
 */
public class DefaultTaskExecutionObservationConvention implements TaskExecutionObservationConvention {

	/**
	 * A shared instance.
	 */
	public static final DefaultTaskExecutionObservationConvention INSTANCE =
			new DefaultTaskExecutionObservationConvention();

	@Override
	public KeyValues getLowCardinalityKeyValues(TaskReceiverContext context) {
		TaskContext task = context.getTaskContext();
		return KeyValues.of(LowCardinalityKeyNames.TASK.withValue(task.task()),
				LowCardinalityKeyNames.QUEUE.withValue(task.queue()),
				LowCardinalityKeyNames.BACKEND.withValue(task.backend().id()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(TaskReceiverContext context) {
		return KeyValues.of(HighCardinalityKeyNames.TASK_ID.withValue(context.getTaskContext().id()));
	}

	@Override
	public String getContextualName(TaskReceiverContext context) {
		return "execute " + context.getTaskContext().task();
	}

}
