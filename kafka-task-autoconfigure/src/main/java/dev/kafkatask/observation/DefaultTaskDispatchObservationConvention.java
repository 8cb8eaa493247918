package dev.kafkatask.observation;

import io.micrometer.common.KeyValues;

import dev.kafkatask.observation.TaskObservation.HighCardinalityKeyNames;
import dev.kafkatask.observation.TaskObservation.LowCardinalityKeyNames;

/**
 * The default {@link TaskDispatchObservationConvention}: low-cardinality key values
 * {@code task}, {@code queue} and {@code backend}, the high-cardinality {@code task.id}, and
 * the contextual name (the span's) {@code dispatch <task>}.
 *
 * @author kafka-task
 */
public class DefaultTaskDispatchObservationConvention implements TaskDispatchObservationConvention {

	/**
	 * A shared instance.
	 */
	public static final DefaultTaskDispatchObservationConvention INSTANCE =
			new DefaultTaskDispatchObservationConvention();

	@Override
	public KeyValues getLowCardinalityKeyValues(TaskSenderContext context) {
		return KeyValues.of(LowCardinalityKeyNames.TASK.withValue(context.getTask()),
				LowCardinalityKeyNames.QUEUE.withValue(context.getQueue()),
				LowCardinalityKeyNames.BACKEND.withValue(context.getBackend().id()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(TaskSenderContext context) {
		return KeyValues.of(HighCardinalityKeyNames.TASK_ID.withValue(context.getTaskId()));
	}

	@Override
	public String getContextualName(TaskSenderContext context) {
		return "dispatch " + context.getTask();
	}

}
