package dev.kafkatask.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Writes a task record that is due later to the delay tier it waits in next (or straight to
 * its topic when it is due), with the headers that say when it is due and where it goes.
 *
 * @author kafka-task
 */
public class DelayedTaskPublisher {

	/**
	 * Header: when a delayed record is due, epoch milliseconds.
	 */
	public static final String DUE = "kafka-task-due";

	/**
	 * Header: the topic a delayed record goes to when it is due.
	 */
	public static final String TARGET = "kafka-task-target";

	/**
	 * The latest time a record may be due, the end of year 9999 (the last a Celery eta can
	 * name): a later one is refused rather than left to overflow.
	 */
	public static final Instant LATEST_DUE = Instant.parse("9999-12-31T23:59:59.999Z");

	private final KafkaTemplate<String, byte[]> template;

	private final DelayTiers tiers;

	private final Clock clock;

	public DelayedTaskPublisher(KafkaTemplate<String, byte[]> template, DelayTiers tiers, Clock clock) {
		this.template = template;
		this.tiers = tiers;
		this.clock = clock;
	}

	/**
	 * Write a task record that is due at the given time. A record due now or in the past,
	 * however long ago, goes straight to its target.
	 * @param target the topic it goes to when due
	 * @param key its key, or {@code null}
	 * @param value its value
	 * @param headers its own headers (kept; the delay headers are replaced)
	 * @param due when it is due
	 * @return the send result, once acknowledged; failed with an
	 * {@link IllegalArgumentException}, and nothing written, when it is due after
	 * {@link #LATEST_DUE}
	 */
	public CompletableFuture<SendResult<String, byte[]>> publish(String target, @Nullable String key, byte[] value,
			Iterable<Header> headers, Instant due) {
		if (due.isAfter(LATEST_DUE)) {
			return CompletableFuture.failedFuture(new IllegalArgumentException(
					"A task cannot be delayed until " + due + ", after " + LATEST_DUE));
		}
		Instant now = this.clock.instant();
		// Neither bound overflows: due lies between now and the end of year 9999.
		Duration remaining = due.isAfter(now) ? Duration.between(now, due) : Duration.ZERO;
		boolean delayed = remaining.toMillis() > 0;
		String topic = delayed ? this.tiers.topic(this.tiers.tierFor(remaining)) : target;
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, key, value);
		Headers recordHeaders = record.headers();
		for (Header header : headers) {
			if (!header.key().equals(DUE) && !header.key().equals(TARGET)) {
				recordHeaders.add(header);
			}
		}
		if (delayed) {
			recordHeaders.add(DUE, Long.toString(due.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
			recordHeaders.add(TARGET, target.getBytes(StandardCharsets.UTF_8));
		}
		return this.template.send(record);
	}

	/**
	 * Return the delay tiers.
	 * @return the tiers
	 */
	public DelayTiers tiers() {
		return this.tiers;
	}

}
