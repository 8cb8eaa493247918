package dev.kafkatask.task;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method of a Spring bean as a task that can be dispatched by name and
 * executed by a kafka-task worker, the way Celery's {@code @app.task} marks a function.
 * <p>
 * Parameters must be types that JSON can carry (scalars, strings, enums, {@code java.time}
 * values, collections, maps with string keys, records and plain beans of those). They are
 * bound from a dispatch's positional arguments in order, then from its keyword arguments by
 * parameter name.
 *
 * @author kafka-task
 * @see TaskRegistry
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface KafkaTask {

	/**
	 * Name of the task, unique in the application. Defaults to the simple name of the bean
	 * class followed by a dot and the method name, for example {@code OrderTasks.sendReceipt}.
	 * @return the task name
	 */
	String name() default "";

	/**
	 * Queue the task is published to when a dispatch names none. Defaults to the
	 * application's default queue ({@code kafka-task.default-queue}).
	 * @return the queue name
	 */
	String queue() default "";

	/**
	 * Threads the task runs on: a virtual thread of its own (the default), or the worker's
	 * bounded pool of platform threads for CPU-heavy work.
	 * @return the threads
	 */
	TaskThreads threads() default TaskThreads.VIRTUAL;

	/**
	 * Celery task options, as {@code name=value} with Celery's option names, for example
	 * {@code {"max_retries=3", "autoretry_for=java.io.IOException", "throws=com.example.NotFound"}}.
	 * Properties ({@code kafka-task.tasks.<name>.<option>}) override them and a dispatch's
	 * options override both. Options the backend does not support are handled by the
	 * unsupported-option policy.
	 * @return the options
	 */
	String[] options() default {};

	/**
	 * Team that owns the task, the {@code owner} tag of its meters and alerts. Defaults to
	 * the owner of its queue ({@code kafka-task.queue-owners.<queue>}); the property
	 * {@code kafka-task.tasks.<name>.owner} overrides it.
	 * @return the owner
	 */
	String owner() default "";

}
