package dev.kafkatask.execution;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.task.TaskContext;
import dev.kafkatask.task.TaskDefinition;

/**
 * A task ready to run: its definition, its context and its bound arguments, without the
 * message that carried it.
 *
 * @param task the task
 * @param context the context of the run
 * @param arguments the bound method arguments
 * @param logName the name the task is logged under (its Celery {@code shadow}, else its name)
 * @param expected class names of exceptions the task is expected to throw (Celery's
 * {@code throws})
 * @param envelope the envelope it came in, to retry it or dead-letter it
 * @param retryPolicy when and how soon it runs again after a failure
 * @param softTimeLimit when its thread is interrupted, or {@code null}
 * @param timeLimit when it is abandoned, or {@code null}
 * @author kafka-task
 */
public record PreparedTask(TaskDefinition task, TaskContext context, @Nullable Object[] arguments, String logName,
		List<String> expected, TaskEnvelope envelope, RetryPolicy retryPolicy, @Nullable Duration softTimeLimit,
		@Nullable Duration timeLimit) {

	public PreparedTask {
		expected = List.copyOf(expected);
	}

	/**
	 * Whether an exception is one the task is expected to throw: its class or a superclass
	 * is named in {@link #expected()}.
	 * @param ex the exception
	 * @return whether it is expected
	 */
	public boolean expects(Throwable ex) {
		for (Class<?> type = ex.getClass(); type != null; type = type.getSuperclass()) {
			if (this.expected.contains(type.getName())) {
				return true;
			}
		}
		return false;
	}

}
