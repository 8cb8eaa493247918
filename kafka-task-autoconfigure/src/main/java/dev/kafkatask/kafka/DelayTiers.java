package dev.kafkatask.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The delay topics of countdown, eta and retries: one topic per tier (by default 1 s, 5 s,
 * 30 s, 2 min, 10 min and 1 h), {@code <prefix>__delay.<seconds>s}. A delayed task waits in
 * the largest tier not longer than what remains of its delay, and hops down the tiers until
 * it is due: within a tier every record waits the same time, so records come due in the
 * order they were written, and a consumer can pause a tier's partition until its head record
 * is due. A million delayed tasks then cost disk, not memory. Delayed records that cannot be
 * moved on, and name no queue whose dead-letter topic could take them, go to the tiers' own
 * dead-letter topic, {@code <prefix>__delay.dlt}, which is not a tier.
 *
 * @author kafka-task
 */
public final class DelayTiers {

	/**
	 * Infix of delay topics.
	 */
	public static final String INFIX = "__delay.";

	private final String prefix;

	private final List<Duration> tiers;

	public DelayTiers(String prefix, List<Duration> tiers) {
		Assert.notEmpty(tiers, "'tiers' must not be empty");
		List<Duration> sorted = new ArrayList<>(tiers);
		sorted.sort(null);
		Assert.isTrue(sorted.get(0).toMillis() >= 100, "The shortest delay tier must be at least 100 ms");
		this.prefix = prefix;
		this.tiers = List.copyOf(sorted);
	}

	/**
	 * Return the tier a delay waits in next: the largest tier not longer than the delay, or
	 * the shortest tier for a delay shorter than all.
	 * @param remaining what remains of the delay
	 * @return the tier
	 */
	public Duration tierFor(Duration remaining) {
		Duration chosen = this.tiers.get(0);
		for (Duration tier : this.tiers) {
			if (tier.compareTo(remaining) <= 0) {
				chosen = tier;
			}
		}
		return chosen;
	}

	/**
	 * Return the topic of a tier.
	 * @param tier the tier
	 * @return the topic name
	 */
	public String topic(Duration tier) {
		return this.prefix + INFIX + (tier.toMillis() % 1000 == 0 ? tier.toSeconds() + "s" : tier.toMillis() + "ms");
	}

	/**
	 * Return the tier of a delay topic.
	 * @param topic the topic
	 * @return the tier, or {@code null} if it is not a delay topic of these tiers
	 */
	public @Nullable Duration tier(String topic) {
		for (Duration tier : this.tiers) {
			if (topic(tier).equals(topic)) {
				return tier;
			}
		}
		return null;
	}

	/**
	 * Return every delay topic.
	 * @return the topics, shortest tier first
	 */
	public List<String> topics() {
		return this.tiers.stream().map(this::topic).toList();
	}

	/**
	 * Return the tiers.
	 * @return the tiers, shortest first
	 */
	public List<Duration> tiers() {
		return this.tiers;
	}

	/**
	 * Return the dead-letter topic of the delay tiers, {@code <prefix>__delay.dlt}: where
	 * delayed records go that cannot be moved on and name no queue of this application.
	 * @return the topic name
	 */
	public String deadLetterTopic() {
		return this.prefix + INFIX + "dlt";
	}

	/**
	 * Whether a topic is a delay topic (of any tiers with this prefix); the tiers'
	 * {@link #deadLetterTopic() dead-letter topic} is not one.
	 * @param topic the topic
	 * @return whether it is
	 */
	public boolean isDelayTopic(String topic) {
		return topic.startsWith(this.prefix + INFIX) && !topic.equals(deadLetterTopic());
	}

}
