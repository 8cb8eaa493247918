package dev.kafkatask.sample;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskContext;

/**
 * {@code demo.fail}: always throws, so a person can watch it retried three times with a
 * short backoff (in the log and {@code kafka_task_executions_total{outcome="retry"}}) and
 * then land in {@code tasks.default.dlt} with its history in the headers.
 *
 * @author kafka-task
 */
@Component
public class FailingTasks {

	private final AtomicInteger attempts = new AtomicInteger();

	@KafkaTask(name = "demo.fail", autoretryFor = DemoFailure.class, maxRetries = 3, retryBackoff = "1s",
			options = "retry_jitter=false")
	public void fail(String reason, TaskContext context) {
		this.attempts.incrementAndGet();
		throw new DemoFailure("demo.fail attempt " + (context.retries() + 1) + ": " + reason);
	}

	/**
	 * Return how many times {@code demo.fail} ran.
	 * @return the attempts
	 */
	public int attempts() {
		return this.attempts.get();
	}

	/**
	 * What {@code demo.fail} throws.
	 */
	public static class DemoFailure extends RuntimeException {

		DemoFailure(String message) {
			super(message);
		}

	}

}
