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
	 * Name of the task, unique in the application. Defaults to the simple name of the type
	 * that declares the annotated method (the bean class, or the interface whose method is
	 * annotated) followed by a dot and the method name, for example
	 * {@code OrderTasks.sendReceipt}.
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
	 * {@code {"retry_jitter=false", "throws=com.example.NotFound"}}. The common ones have
	 * typed attributes of their own ({@link #maxRetries()}, {@link #autoretryFor()}, ...);
	 * an option set both ways fails startup. Properties
	 * ({@code kafka-task.tasks.<name>.<option>}) override them and a dispatch's options
	 * override both. Options the backend does not support are handled by the
	 * unsupported-option policy.
	 * @return the options
	 */
	String[] options() default {};

	/**
	 * Exceptions that retry the task automatically, subclasses included (Celery's
	 * {@code autoretry_for}). {@link TaskTimeLimitExceeded} retries a task abandoned at its
	 * hard time limit.
	 * @return the exception types
	 */
	Class<? extends Throwable>[] autoretryFor() default {};

	/**
	 * Most retries before the task fails for good (Celery's {@code max_retries}; 3 when
	 * not set). Negative means not set.
	 * @return the most retries
	 */
	int maxRetries() default -1;

	/**
	 * Delay before a retry, without backoff, as a duration such as {@code 30s} or
	 * {@code 2m}, or a number of seconds (Celery's {@code default_retry_delay}; 3 minutes
	 * when not set). Empty means not set.
	 * @return the delay
	 */
	String defaultRetryDelay() default "";

	/**
	 * Exponential backoff of automatic retries (Celery's {@code retry_backoff}):
	 * {@code true} for a factor of 1 second, a duration or number of seconds for another
	 * factor, {@code false} for none. Empty means not set.
	 * @return the backoff
	 */
	String retryBackoff() default "";

	/**
	 * Rate limit of the task across this worker, such as {@code 10/s}, {@code 100/m} or
	 * {@code 1000/h} (Celery's {@code rate_limit}). Empty means none.
	 * @return the rate limit
	 */
	String rateLimit() default "";

	/**
	 * Soft time limit, as a duration such as {@code 30s} or a number of seconds: the task's
	 * thread is interrupted (Celery's {@code soft_time_limit}). Empty means none.
	 * @return the soft time limit
	 */
	String softTimeLimit() default "";

	/**
	 * Hard time limit, as a duration such as {@code 5m} or a number of seconds: the task is
	 * abandoned (Celery's {@code time_limit}). Empty means none.
	 * @return the hard time limit
	 */
	String timeLimit() default "";

	/**
	 * Team that owns the task, the {@code owner} tag of its meters and alerts. Defaults to
	 * the owner of its queue ({@code kafka-task.queue-owners.<queue>}); the property
	 * {@code kafka-task.tasks.<name>.owner} overrides it.
	 * @return the owner
	 */
	String owner() default "";

}
