package dev.kafkatask.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kafkatask.schedule.ScheduleDefinitionException;

/**
 * Explains a startup that failed because a periodic task's schedule is not valid: the
 * message names the schedule, where it was declared and what is wrong with it.
 *
 * @author kafka-task
 */
class ScheduleDefinitionFailureAnalyzer extends AbstractFailureAnalyzer<ScheduleDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ScheduleDefinitionException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Correct the schedule named above (@KafkaTaskSchedule or kafka-task.schedules.[name]): the task of a "
						+ "@KafkaTask of this application, a cron expression or a fixed rate but not both, a time zone "
						+ "id, arguments as JSON and valid Celery options (see 'Periodic tasks' in kafka-task's README).",
				cause);
	}

}
