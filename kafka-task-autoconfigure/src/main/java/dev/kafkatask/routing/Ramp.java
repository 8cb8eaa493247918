package dev.kafkatask.routing;

import org.springframework.util.Assert;

/**
 * Sends a share of a rule's dispatches to another backend, for example 25 % of
 * {@code billing.charge} to Kafka while the rest stays on RabbitMQ. Which dispatches are in
 * the share is decided by a hash of their sticky key, so the same task id (or key) always
 * takes the same route and retries do not flip.
 *
 * @param to the backend the share goes to
 * @param percent the share, from 0 to 100 (two decimals count)
 * @author kafka-task
 */
public record Ramp(Backend to, double percent) {

	public Ramp {
		Assert.notNull(to, "'to' must not be null");
		Assert.isTrue(percent >= 0 && percent <= 100, () -> "Ramp percent must be within 0 and 100, not " + percent);
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
