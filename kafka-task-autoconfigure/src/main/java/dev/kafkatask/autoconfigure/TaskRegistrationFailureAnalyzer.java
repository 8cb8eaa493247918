package dev.kafkatask.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kafkatask.task.TaskRegistrationException;

/**
 * Explains a startup that failed because a {@code @KafkaTask} method could not be
 * registered: the message names the method and what is wrong with it.
 *
 * @author kafka-task
 */
class TaskRegistrationFailureAnalyzer extends AbstractFailureAnalyzer<TaskRegistrationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TaskRegistrationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Correct the @KafkaTask method named above: a public instance method, with a task name no other "
						+ "task uses, parameters JSON can carry, and valid Celery options (see 'Writing tasks' in "
						+ "kafka-task's README).",
				cause);
	}

}
