package dev.kafkatask.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of task executions ({@value TaskObservation#EXECUTION_NAME}).
 * Define a bean of this type to change their key values or names.
 *
 * @author kafka-task
 * @see DefaultTaskExecutionObservationConvention
 */
public interface TaskExecutionObservationConvention extends ObservationConvention<TaskReceiverContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof TaskReceiverContext;
	}

	@Override
	default String getName() {
		return TaskObservation.EXECUTION_NAME;
	}

}
