package dev.kafkatask.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of dispatches ({@value TaskObservation#DISPATCH_NAME}). Define
 * a bean of this type to change their key values or names.
 *
 * @author kafka-task
 * @see DefaultTaskDispatchObservationConvention
 */
public interface TaskDispatchObservationConvention extends ObservationConvention<TaskSenderContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof TaskSenderContext;
	}

	@Override
	default String getName() {
		return TaskObservation.DISPATCH_NAME;
	}

}
