package dev.kafkatask.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.kafkatask.options.TaskOption;
import dev.kafkatask.task.TaskRetry;

/**
 * When and how soon a failed task runs again, from Celery's options: {@code autoretry_for},
 * {@code max_retries} (3), {@code default_retry_delay} (180 s), {@code retry_backoff} (off;
 * {@code true} is a factor of 1 s), {@code retry_backoff_max} (600 s) and
 * {@code retry_jitter} (on). With backoff the n-th retry waits {@code factor * 2^n} seconds,
 * at most the maximum, and with jitter a random time up to that, as Celery computes it.
 *
 * @param autoretryFor class names of exceptions that retry the task
 * @param maxRetries most retries
 * @param defaultDelay delay without backoff
 * @param backoffFactor backoff factor, or {@code null} for no backoff
 * @param backoffMax longest backoff
 * @param jitter whether delays are randomised
 * @author kafka-task
 */
public record RetryPolicy(List<String> autoretryFor, int maxRetries, Duration defaultDelay,
		@Nullable Duration backoffFactor, Duration backoffMax, boolean jitter) {

	public RetryPolicy {
		autoretryFor = List.copyOf(autoretryFor);
	}

	/**
	 * Return the policy that the given task options describe.
	 * @param options the options
	 * @return the policy
	 */
	public static RetryPolicy of(Map<TaskOption, JsonNode> options) {
		List<String> autoretryFor = new java.util.ArrayList<>();
		JsonNode names = options.get(TaskOption.AUTORETRY_FOR);
		if (names != null) {
			names.forEach((name) -> autoretryFor.add(name.asString()));
		}
		JsonNode max = options.get(TaskOption.MAX_RETRIES);
		JsonNode delay = options.get(TaskOption.DEFAULT_RETRY_DELAY);
		JsonNode backoff = options.get(TaskOption.RETRY_BACKOFF);
		Duration factor = null;
		if (backoff != null && backoff.isBoolean() && backoff.asBoolean()) {
			factor = Duration.ofSeconds(1);
		}
		else if (backoff != null && backoff.isNumber() && backoff.asDouble() > 0) {
			factor = seconds(backoff);
		}
		JsonNode backoffMax = options.get(TaskOption.RETRY_BACKOFF_MAX);
		JsonNode jitter = options.get(TaskOption.RETRY_JITTER);
		return new RetryPolicy(autoretryFor, (max != null) ? max.asInt() : 3,
				(delay != null) ? seconds(delay) : Duration.ofSeconds(180), factor,
				(backoffMax != null) ? seconds(backoffMax) : Duration.ofSeconds(600),
				jitter == null || jitter.asBoolean());
	}

	/**
	 * Whether a failure retries the task: it asked to ({@link TaskRetry}), or the exception is
	 * (a subclass of) one of {@link #autoretryFor()}.
	 * @param failure the failure
	 * @return whether it retries
	 */
	public boolean retries(Throwable failure) {
		if (failure instanceof TaskRetry) {
			return true;
		}
		for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
			if (this.autoretryFor.contains(type.getName())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return how long the given retry waits.
	 * @param retries how many retries ran before this one
	 * @param failure the failure
	 * @return the delay
	 */
	public Duration delay(int retries, Throwable failure) {
		if (failure instanceof TaskRetry retry && retry.getCountdown() != null) {
			return retry.getCountdown();
		}
		if (this.backoffFactor == null) {
			return this.defaultDelay;
		}
		long millis = Math.min(this.backoffFactor.toMillis() * (1L << Math.min(retries, 30)),
				this.backoffMax.toMillis());
		if (this.jitter) {
			millis = ThreadLocalRandom.current().nextLong(millis + 1);
		}
		return Duration.ofMillis(millis);
	}

	private static Duration seconds(JsonNode value) {
		return Duration.ofMillis(Math.round(value.asDouble() * 1000));
	}

}
