package dev.kafkatask.routing;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Sends a share of a rule's dispatches to another backend or Kafka cluster, for example 25 %
 * of {@code billing.charge} to Kafka while the rest stays on RabbitMQ, or 10 % of a queue to
 * the Kafka cluster {@code west} while the rest stays on {@code east}. Which dispatches are
 * in the share is decided by a hash of their sticky key, so the same task id (or key) always
 * takes the same route and retries do not flip.
 *
 * @param to the backend the share goes to
 * @param cluster the Kafka cluster the share goes to when {@code to} is Kafka
 * ({@link Route#DEFAULT_CLUSTER} when not named), {@code null} otherwise
 * @param percent the share, from 0 to 100 (two decimals count)
 * @author kafka-task
 */
public record Ramp(Backend to, @Nullable String cluster, double percent) {

	public Ramp {
		Assert.notNull(to, "'to' must not be null");
		Assert.isTrue(percent >= 0 && percent <= 100, () -> "Ramp percent must be within 0 and 100, not " + percent);
		cluster = Route.cluster(to, cluster);
	}

	/**
	 * Create a ramp to a backend, on the default cluster when it is Kafka.
	 * @param to the backend the share goes to
	 * @param percent the share, from 0 to 100
	 */
	public Ramp(Backend to, double percent) {
		this(to, null, percent);
	}

	/**
	 * Whether a dispatch in the given bucket is in the share.
	 * @param bucket the dispatch's bucket, from 0 to 9999
	 * @return whether it goes to {@link #to()}
	 */
	boolean takes(int bucket) {
		return bucket < Math.round(this.percent * 100);
	}

}
