package dev.kafkatask.autoconfigure;

import dev.kafkatask.kafka.worker.TaskWorker;

/**
 * Callback to customize kafka-task's {@link TaskWorker} (its thread factories, its platform
 * pool, whether it starts on its own) once {@link TaskWorkerConfigurer} has applied the
 * {@code kafka-task.worker.*} properties, without replacing the worker bean. Customizers
 * run in their {@link org.springframework.core.Ordered order}.
 *
 * @author kafka-task
 */
@FunctionalInterface
public interface TaskWorkerCustomizer {

	/**
	 * Customize the worker.
	 * @param worker the worker to customize
	 */
	void customize(TaskWorker worker);

}
