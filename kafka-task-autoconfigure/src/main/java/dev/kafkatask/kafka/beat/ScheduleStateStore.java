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
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The last fired slot of each schedule, in a compacted topic keyed by schedule name whose
 * values are ISO-8601 instants ({@code 2026-12-02T14:00:00Z}): readable with any console
 * consumer, and set by hand to move a schedule on (a tombstone forgets it).
 * <p>
 * One consumer, assigned the topic's partitions without a group, reads it from the
 * beginning and then {@link #follow() follows} it, on the beat's thread, so that every
 * instance, not only the leader, knows the {@link #lastFiredSlots() last fired slots}: the
 * topic holds one small record per schedule. A failed read closes the consumer; the next
 * read starts again from the beginning.
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
	 * The reader, on the beat's thread only; {@code null} until the first read and after a
	 * failed one.
	 */
	private @Nullable Consumer<String, byte[]> reader;

	/**
	 * The slots as the reader has read them so far, on the beat's thread only.
	 */
	private Map<String, Instant> reading = new HashMap<>();

	/**
	 * The slots as last read to an end, or written, for any thread.
	 */
	private volatile Map<String, Instant> known = Map.of();

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
	 * Read the topic to its end offsets as they are when the read begins: what every write
	 * acknowledged before then says. The first read starts from the beginning, later ones go
	 * on from where the last one ended.
	 * @return the last fired slot of each schedule, by name
	 * @throws TimeoutException if the end was not reached in time
	 */
	public Map<String, Instant> readAll() throws TimeoutException {
		try {
			Consumer<String, byte[]> consumer = reader();
			Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), this.timeout);
			long deadline = System.nanoTime() + this.timeout.toNanos();
			while (!reachedEnd(consumer, ends)) {
				if (System.nanoTime() - deadline > 0) {
					throw new TimeoutException("Beat state topic '" + this.topic + "' not read to its end "
							+ ends + " within " + this.timeout);
				}
				consumer.poll(POLL_TIMEOUT).forEach(this::read);
			}
		}
		catch (TimeoutException | RuntimeException ex) {
			closeReader();
			throw ex;
		}
		this.known = Map.copyOf(this.reading);
		return this.known;
	}

	/**
	 * Read what was written since the last read, without waiting for more; the first time,
	 * read the topic to its end.
	 * @throws TimeoutException if the first read did not reach the end in time
	 */
	public void follow() throws TimeoutException {
		if (this.reader == null) {
			readAll();
			return;
		}
		try {
			ConsumerRecords<String, byte[]> records = this.reader.poll(Duration.ZERO);
			if (!records.isEmpty()) {
				records.forEach(this::read);
				this.known = Map.copyOf(this.reading);
			}
		}
		catch (RuntimeException ex) {
			closeReader();
			throw ex;
		}
	}

	/**
	 * Return the last fired slot of each schedule as last read or written: empty before the
	 * first read. Any thread may call it.
	 * @return the slots, by schedule name
	 */
	public Map<String, Instant> lastFiredSlots() {
		return this.known;
	}

	/**
	 * Close the reader, if any: the next read starts again from the beginning.
	 */
	public void close() {
		closeReader();
	}

	private Consumer<String, byte[]> reader() {
		Consumer<String, byte[]> current = this.reader;
		if (current != null) {
			return current;
		}
		current = this.consumerFactory.createConsumer(null, "kafka-task-beat-state", null);
		try {
			List<TopicPartition> partitions = current.partitionsFor(this.topic, this.timeout)
				.stream()
				.map((info) -> new TopicPartition(this.topic, info.partition()))
				.toList();
			if (partitions.isEmpty()) {
				throw new IllegalStateException("Beat state topic '" + this.topic + "' has no partitions");
			}
			current.assign(partitions);
			current.seekToBeginning(partitions);
		}
		catch (RuntimeException ex) {
			current.close(CloseOptions.timeout(Duration.ZERO));
			throw ex;
		}
		this.reading = new HashMap<>();
		this.reader = current;
		return current;
	}

	private void closeReader() {
		Consumer<String, byte[]> current = this.reader;
		this.reader = null;
		if (current != null) {
			try {
				current.close(CloseOptions.timeout(Duration.ofSeconds(1)));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the reader of beat state topic '" + this.topic + "' cleanly", ex);
			}
		}
	}

	private static boolean reachedEnd(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
		return ends.entrySet().stream().allMatch((end) -> consumer.position(end.getKey()) >= end.getValue());
	}

	private void read(ConsumerRecord<String, byte[]> record) {
		if (record.key() == null) {
			return;
		}
		if (record.value() == null) {
			this.reading.remove(record.key());
			return;
		}
		String value = new String(record.value(), StandardCharsets.UTF_8);
		try {
			this.reading.put(record.key(), Instant.parse(value.trim()));
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
		// Acknowledged: it is what the topic says, until a later record says otherwise.
		if (this.reader != null) {
			this.reading.put(schedule, slot);
		}
		Map<String, Instant> written = new HashMap<>(this.known);
		written.put(schedule, slot);
		this.known = Map.copyOf(written);
	}

}
