package dev.kafkatask.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationUnit;

import dev.kafkatask.options.TaskOption;
import dev.kafkatask.options.UnsupportedOptionPolicy;

/**
 * Settings of one task, {@code kafka-task.tasks.[name].*}: its owner, its unsupported-option
 * policy, and Celery task options that override its annotation's. Each option is the
 * kebab-case form of Celery's name ({@code max-retries} for {@code max_retries}).
 *
 * @author kafka-task
 */
public class TaskProperties {

	/**
	 * Team that owns the task: the 'owner' tag of its meters. Overrides @KafkaTask(owner)
	 * and the owner of its queue.
	 */
	private @Nullable String owner;

	/**
	 * What happens to a dispatch of this task that sets an option its backend does not
	 * support, overriding 'kafka-task.unsupported-options'.
	 */
	private @Nullable UnsupportedOptionPolicy unsupportedOptions;

	/**
	 * Time from the dispatch before the task may run. A duration such as '30s' or '2m'; a plain
	 * number is seconds. Celery's 'countdown'.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private @Nullable Duration countdown;

	/**
	 * Time after which the task must not run: an ISO-8601 instant, or seconds from the dispatch as
	 * a number. Celery's 'expires'.
	 */
	private @Nullable String expires;

	/**
	 * Queue the task goes to. Celery's 'queue'.
	 */
	private @Nullable String queue;

	/**
	 * AMQP routing key. Celery's 'routing_key'.
	 */
	private @Nullable String routingKey;

	/**
	 * Priority, 0 to 255. Celery's 'priority'.
	 */
	private @Nullable Integer priority;

	/**
	 * Name shown in logs instead of the task's. Celery's 'shadow'.
	 */
	private @Nullable String shadow;

	/**
	 * Hard time limit: the task is abandoned when it runs longer. A duration such as '30s' or
	 * '2m'; a plain number is seconds. Celery's 'time_limit'.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private @Nullable Duration timeLimit;

	/**
	 * Soft time limit: the task's thread is interrupted when it runs longer. A duration such as
	 * '30s' or '2m'; a plain number is seconds. Celery's 'soft_time_limit'.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private @Nullable Duration softTimeLimit;

	/**
	 * Whether the task's result is thrown away. Celery's 'ignore_result'.
	 */
	private @Nullable Boolean ignoreResult;

	/**
	 * Where the task's result goes. Celery's 'reply_to'.
	 */
	private @Nullable String replyTo;

	/**
	 * Serializer of the arguments. Celery's 'serializer'.
	 */
	private @Nullable String serializer;

	/**
	 * Compression of the message body. Celery's 'compression'.
	 */
	private @Nullable String compression;

	/**
	 * Whether publishing is retried when the broker connection fails. Celery's 'retry'.
	 */
	private @Nullable Boolean retry;

	/**
	 * Most retries before the task fails for good. Celery's 'max_retries'.
	 */
	private @Nullable Integer maxRetries;

	/**
	 * Delay before a retry, without backoff. A duration such as '30s' or '2m'; a plain number is
	 * seconds. Celery's 'default_retry_delay'.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private @Nullable Duration defaultRetryDelay;

	/**
	 * Exception classes, by binary name, that retry the task automatically, subclasses included.
	 * Celery's 'autoretry_for'.
	 */
	private @Nullable List<String> autoretryFor;

	/**
	 * Exponential backoff of automatic retries: 'false', 'true' (a factor of 1 second) or the
	 * factor in seconds. Celery's 'retry_backoff'.
	 */
	private @Nullable String retryBackoff;

	/**
	 * Longest backoff of automatic retries. A duration such as '30s' or '2m'; a plain number is
	 * seconds. Celery's 'retry_backoff_max'.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private @Nullable Duration retryBackoffMax;

	/**
	 * Whether backoffs are randomised. Celery's 'retry_jitter'.
	 */
	private @Nullable Boolean retryJitter;

	/**
	 * Whether the message is acknowledged after the task ran. Celery's 'acks_late'.
	 */
	private @Nullable Boolean acksLate;

	/**
	 * Whether a task whose worker died is run again. Celery's 'reject_on_worker_lost'.
	 */
	private @Nullable Boolean rejectOnWorkerLost;

	/**
	 * Most runs per second, minute or hour per worker, such as '100/m'. Celery's 'rate_limit'.
	 */
	private @Nullable String rateLimit;

	/**
	 * Whether the task reports a STARTED state. Celery's 'track_started'.
	 */
	private @Nullable Boolean trackStarted;

	/**
	 * Exception classes, by binary name, the task is expected to raise: logged without a stack
	 * trace. Celery's 'throws'.
	 */
	private @Nullable List<String> expectedExceptions;

	public @Nullable String getOwner() {
		return this.owner;
	}

	public void setOwner(@Nullable String owner) {
		this.owner = owner;
	}

	public @Nullable UnsupportedOptionPolicy getUnsupportedOptions() {
		return this.unsupportedOptions;
	}

	public void setUnsupportedOptions(@Nullable UnsupportedOptionPolicy unsupportedOptions) {
		this.unsupportedOptions = unsupportedOptions;
	}

	public @Nullable Duration getCountdown() {
		return this.countdown;
	}

	public void setCountdown(@Nullable Duration countdown) {
		this.countdown = countdown;
	}

	public @Nullable String getExpires() {
		return this.expires;
	}

	public void setExpires(@Nullable String expires) {
		this.expires = expires;
	}

	public @Nullable String getQueue() {
		return this.queue;
	}

	public void setQueue(@Nullable String queue) {
		this.queue = queue;
	}

	public @Nullable String getRoutingKey() {
		return this.routingKey;
	}

	public void setRoutingKey(@Nullable String routingKey) {
		this.routingKey = routingKey;
	}

	public @Nullable Integer getPriority() {
		return this.priority;
	}

	public void setPriority(@Nullable Integer priority) {
		this.priority = priority;
	}

	public @Nullable String getShadow() {
		return this.shadow;
	}

	public void setShadow(@Nullable String shadow) {
		this.shadow = shadow;
	}

	public @Nullable Duration getTimeLimit() {
		return this.timeLimit;
	}

	public void setTimeLimit(@Nullable Duration timeLimit) {
		this.timeLimit = timeLimit;
	}

	public @Nullable Duration getSoftTimeLimit() {
		return this.softTimeLimit;
	}

	public void setSoftTimeLimit(@Nullable Duration softTimeLimit) {
		this.softTimeLimit = softTimeLimit;
	}

	public @Nullable Boolean getIgnoreResult() {
		return this.ignoreResult;
	}

	public void setIgnoreResult(@Nullable Boolean ignoreResult) {
		this.ignoreResult = ignoreResult;
	}

	public @Nullable String getReplyTo() {
		return this.replyTo;
	}

	public void setReplyTo(@Nullable String replyTo) {
		this.replyTo = replyTo;
	}

	public @Nullable String getSerializer() {
		return this.serializer;
	}

	public void setSerializer(@Nullable String serializer) {
		this.serializer = serializer;
	}

	public @Nullable String getCompression() {
		return this.compression;
	}

	public void setCompression(@Nullable String compression) {
		this.compression = compression;
	}

	public @Nullable Boolean getRetry() {
		return this.retry;
	}

	public void setRetry(@Nullable Boolean retry) {
		this.retry = retry;
	}

	public @Nullable Integer getMaxRetries() {
		return this.maxRetries;
	}

	public void setMaxRetries(@Nullable Integer maxRetries) {
		this.maxRetries = maxRetries;
	}

	public @Nullable Duration getDefaultRetryDelay() {
		return this.defaultRetryDelay;
	}

	public void setDefaultRetryDelay(@Nullable Duration defaultRetryDelay) {
		this.defaultRetryDelay = defaultRetryDelay;
	}

	public @Nullable List<String> getAutoretryFor() {
		return this.autoretryFor;
	}

	public void setAutoretryFor(@Nullable List<String> autoretryFor) {
		this.autoretryFor = autoretryFor;
	}

	public @Nullable String getRetryBackoff() {
		return this.retryBackoff;
	}

	public void setRetryBackoff(@Nullable String retryBackoff) {
		this.retryBackoff = retryBackoff;
	}

	public @Nullable Duration getRetryBackoffMax() {
		return this.retryBackoffMax;
	}

	public void setRetryBackoffMax(@Nullable Duration retryBackoffMax) {
		this.retryBackoffMax = retryBackoffMax;
	}

	public @Nullable Boolean getRetryJitter() {
		return this.retryJitter;
	}

	public void setRetryJitter(@Nullable Boolean retryJitter) {
		this.retryJitter = retryJitter;
	}

	public @Nullable Boolean getAcksLate() {
		return this.acksLate;
	}

	public void setAcksLate(@Nullable Boolean acksLate) {
		this.acksLate = acksLate;
	}

	public @Nullable Boolean getRejectOnWorkerLost() {
		return this.rejectOnWorkerLost;
	}

	public void setRejectOnWorkerLost(@Nullable Boolean rejectOnWorkerLost) {
		this.rejectOnWorkerLost = rejectOnWorkerLost;
	}

	public @Nullable String getRateLimit() {
		return this.rateLimit;
	}

	public void setRateLimit(@Nullable String rateLimit) {
		this.rateLimit = rateLimit;
	}

	public @Nullable Boolean getTrackStarted() {
		return this.trackStarted;
	}

	public void setTrackStarted(@Nullable Boolean trackStarted) {
		this.trackStarted = trackStarted;
	}

	// 'throws' is a Java keyword: the field has another name, the property Celery's.
	public @Nullable List<String> getThrows() {
		return this.expectedExceptions;
	}

	public void setThrows(@Nullable List<String> expectedExceptions) {
		this.expectedExceptions = expectedExceptions;
	}

	/**
	 * Return the options that are set, as text in Celery's form, to be read and checked
	 * like the options of an annotation.
	 * @return the options that are set
	 */
	Map<TaskOption, String> options() {
		Map<TaskOption, String> options = new EnumMap<>(TaskOption.class);
		if (this.countdown != null) {
			options.put(TaskOption.COUNTDOWN, seconds(this.countdown));
		}
		if (this.expires != null) {
			options.put(TaskOption.EXPIRES, String.valueOf(this.expires));
		}
		if (this.queue != null) {
			options.put(TaskOption.QUEUE, String.valueOf(this.queue));
		}
		if (this.routingKey != null) {
			options.put(TaskOption.ROUTING_KEY, String.valueOf(this.routingKey));
		}
		if (this.priority != null) {
			options.put(TaskOption.PRIORITY, String.valueOf(this.priority));
		}
		if (this.shadow != null) {
			options.put(TaskOption.SHADOW, String.valueOf(this.shadow));
		}
		if (this.timeLimit != null) {
			options.put(TaskOption.TIME_LIMIT, seconds(this.timeLimit));
		}
		if (this.softTimeLimit != null) {
			options.put(TaskOption.SOFT_TIME_LIMIT, seconds(this.softTimeLimit));
		}
		if (this.ignoreResult != null) {
			options.put(TaskOption.IGNORE_RESULT, String.valueOf(this.ignoreResult));
		}
		if (this.replyTo != null) {
			options.put(TaskOption.REPLY_TO, String.valueOf(this.replyTo));
		}
		if (this.serializer != null) {
			options.put(TaskOption.SERIALIZER, String.valueOf(this.serializer));
		}
		if (this.compression != null) {
			options.put(TaskOption.COMPRESSION, String.valueOf(this.compression));
		}
		if (this.retry != null) {
			options.put(TaskOption.RETRY, String.valueOf(this.retry));
		}
		if (this.maxRetries != null) {
			options.put(TaskOption.MAX_RETRIES, String.valueOf(this.maxRetries));
		}
		if (this.defaultRetryDelay != null) {
			options.put(TaskOption.DEFAULT_RETRY_DELAY, seconds(this.defaultRetryDelay));
		}
		if (this.autoretryFor != null) {
			options.put(TaskOption.AUTORETRY_FOR, String.join(",", this.autoretryFor));
		}
		if (this.retryBackoff != null) {
			options.put(TaskOption.RETRY_BACKOFF, String.valueOf(this.retryBackoff));
		}
		if (this.retryBackoffMax != null) {
			options.put(TaskOption.RETRY_BACKOFF_MAX, seconds(this.retryBackoffMax));
		}
		if (this.retryJitter != null) {
			options.put(TaskOption.RETRY_JITTER, String.valueOf(this.retryJitter));
		}
		if (this.acksLate != null) {
			options.put(TaskOption.ACKS_LATE, String.valueOf(this.acksLate));
		}
		if (this.rejectOnWorkerLost != null) {
			options.put(TaskOption.REJECT_ON_WORKER_LOST, String.valueOf(this.rejectOnWorkerLost));
		}
		if (this.rateLimit != null) {
			options.put(TaskOption.RATE_LIMIT, String.valueOf(this.rateLimit));
		}
		if (this.trackStarted != null) {
			options.put(TaskOption.TRACK_STARTED, String.valueOf(this.trackStarted));
		}
		if (this.expectedExceptions != null) {
			options.put(TaskOption.THROWS, String.join(",", this.expectedExceptions));
		}
		return options;
	}

	private static String seconds(Duration duration) {
		return Double.toString(duration.toNanos() / 1e9);
	}

}
