package dev.kafkatask.autoconfigure;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Decides whether dispatches and task runs are observed: as {@code kafka-task.observation.enabled}
 * says, and when it says nothing, when the application has a tracer. Without a tracer an
 * observation propagates nothing and would only add timers that duplicate kafka-task's own
 * meters, at a cost on every dispatch and every run.
 *
 * @author kafka-task
 */
final class TaskObservations {

	private static final String TRACER = "io.micrometer.tracing.Tracer";

	private TaskObservations() {
	}

	static boolean enabled(KafkaTaskProperties properties, ListableBeanFactory beanFactory) {
		Boolean enabled = properties.getObservation().getEnabled();
		if (enabled != null) {
			return enabled;
		}
		ClassLoader classLoader = TaskObservations.class.getClassLoader();
		return ClassUtils.isPresent(TRACER, classLoader) && beanFactory
			.getBeanNamesForType(ClassUtils.resolveClassName(TRACER, classLoader), true, false).length > 0;
	}

}
