package dev.kafkatask.dispatch;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * What makes a dispatch unique, like celery-once's {@code once} option: a key, and how long
 * after a dispatch with that key was enqueued a second one with the same key is refused.
 *
 * @param key the uniqueness key, e.g. {@code "report:" + customerId}
 * @param window how long the first dispatch holds the key
 * @author kafka-task
 */
public record UniqueKey(String key, Duration window) {

	public UniqueKey {
		Assert.hasText(key, "'key' must not be empty");
		Assert.isTrue(window.isPositive(), () -> "The window of unique key '" + key + "' must be positive: " + window);
	}

}
