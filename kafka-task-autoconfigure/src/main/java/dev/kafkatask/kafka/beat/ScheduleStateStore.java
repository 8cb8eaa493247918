package dev.kafkatask.kafka.beat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The last fired slot of each schedule, in a compacted topic keyed by schedule name whose
 * values are ISO-8601 instants ({@code 2026-12-02T14:00:00Z}): readable with any console
 * consumer, and set by hand to move a schedule on (a tombstone forgets it).
 *
 * @author kafka-task
 */
public class ScheduleStateStore {

	private static final Log logger = LogFactory.getLog(ScheduleStateStore.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final KafkaTemplate<String, byte[]> template;

	private final String topic;

	private final Duration timeout;

	/**
	 * Create a store.
	 * @param consumerFactory creates the consumer that reads the topic (assigned, no group)
	 * @param template writes the topic
	 * @param topic the compacted topic
	 * @param timeout how long reading to the end, or a write, may take
	 */
	public ScheduleStateStore(ConsumerFactory<String, byte[]> consumerFactory, KafkaTemplate<String, byte[]> template,
			String topic, Duration timeout) {
		this.consumerFactory = consumerFactory;
		this.template = template;
		this.topic = topic;
		this.timeout = timeout;
	}

	/**
	 * Read the whole topic, to the end offsets as they are when the read begins: what every
	 * write acknowledged before then says.
	 * @return the last fired slot of each schedule, by name
	 * @throws TimeoutException if the end was not reached in time
	 */
	public Map<String, Instant> readAll() throws TimeoutException {
		Map<String, Instant> slots = new HashMap<>();
		try (Consumer<String, byte[]> consumer = this.consumerFactory.createConsumer(null, "kafka-task-beat-state",
				null)) {
			List<TopicPartition> partitions = consumer.partitionsFor(this.topic, this.timeout)
				.stream()
				.map((info) -> new TopicPartition(this.topic, info.partition()))
				.toList();
			if (partitions.isEmpty()) {
				throw new IllegalStateException("Beat state topic '" + this.topic + "' has no partitions");
			}
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, this.timeout);
			long deadline = System.nanoTime() + this.timeout.toNanos();
			while (!reachedEnd(consumer, ends)) {
				if (System.nanoTime() - deadline > 0) {
					throw new TimeoutException("Beat state topic '" + this.topic + "' not read to its end "
							+ ends + " within " + this.timeout);
				}
				for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_TIMEOUT)) {
					read(record, slots);
				}
			}
		}
		return slots;
	}

	private static boolean reachedEnd(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
		return ends.entrySet().stream().allMatch((end) -> consumer.position(end.getKey()) >= end.getValue());
	}

	private void read(ConsumerRecord<String, byte[]> record, Map<String, Instant> slots) {
		if (record.key() == null) {
			return;
		}
		if (record.value() == null) {
			slots.remove(record.key());
			return;
		}
		String value = new String(record.value(), StandardCharsets.UTF_8);
		try {
			slots.put(record.key(), Instant.parse(value.trim()));
		}
		catch (DateTimeParseException ex) {
			logger.warn("Beat: ignoring state of schedule '" + record.key() + "' at offset " + record.offset()
					+ " of " + this.topic + ": '" + value + "' is not an ISO-8601 instant");
		}
	}

	/**
	 * Record the last fired slot of a schedule, and wait for the broker's acknowledgement.
	 * @param schedule the schedule's name
	 * @param slot the slot
	 * @throws Exception if the broker did not acknowledge it in time
	 */
	public void record(String schedule, Instant slot) throws Exception {
		try {
			this.template.send(this.topic, schedule, slot.toString().getBytes(StandardCharsets.UTF_8))
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

}
