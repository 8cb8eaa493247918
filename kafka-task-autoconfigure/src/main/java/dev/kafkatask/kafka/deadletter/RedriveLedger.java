package dev.kafkatask.kafka.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What was redriven, kept in a compacted topic: one record per dead letter redriven, keyed by
 * its dead-letter topic and either its task id and redrive count (so that two copies of one
 * dead letter count as one) or, for a dead letter that names no task, its position.
 *
 * @author kafka-task
 */
public final class RedriveLedger {

	private static final Log logger = LogFactory.getLog(RedriveLedger.class);

	private final String topic;

	private final JsonMapper mapper;

	/**
	 * Create a ledger.
	 * @param topic its compacted topic
	 * @param mapper writes and reads its records
	 */
	public RedriveLedger(String topic, JsonMapper mapper) {
		this.topic = topic;
		this.mapper = mapper;
	}

	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the key of a dead letter in the ledger.
	 * @param deadLetter the dead letter
	 * @return its key
	 */
	static String key(DeadLetter deadLetter) {
		if (deadLetter.taskId() != null) {
			return deadLetter.topic() + "/task/" + deadLetter.redriveCount() + "/" + deadLetter.taskId();
		}
		return deadLetter.topic() + "/record/" + deadLetter.partition() + "/" + deadLetter.offset() + "/"
				+ deadLetter.deadLetteredAt().toEpochMilli();
	}

	/**
	 * Read what was redriven from dead-letter topics, as committed when the read begins.
	 * @param consumer a consumer of no group that reads committed records
	 * @param deadLetterTopics the dead-letter topics
	 * @param maxRecords most records to read
	 * @param timeout how long the read may take
	 * @return when each key was redriven
	 * @throws IllegalStateException if the ledger could not be read in full: without it, a
	 * dead letter could be redriven twice
	 */
	Map<String, Instant> read(Consumer<String, byte[]> consumer, List<String> deadLetterTopics, int maxRecords,
			Duration timeout) {
		Map<String, Instant> redriven = new HashMap<>();
		TopicScan.Outcome outcome = TopicScan.scan(consumer, List.of(this.topic), null, maxRecords, timeout,
				(record) -> {
					if (record.key() != null
							&& deadLetterTopics.stream().anyMatch((topic) -> record.key().startsWith(topic + "/"))) {
						take(redriven, record);
					}
					return true;
				});
		if (!outcome.complete()) {
			throw new IllegalStateException("The redrive ledger '" + this.topic + "' could not be read in full ("
					+ outcome.scanned() + " records within " + timeout + "): without it, dead letters could be "
					+ "redriven twice");
		}
		return redriven;
	}

	private void take(Map<String, Instant> redriven, ConsumerRecord<String, byte[]> record) {
		if (record.value() == null) {
			redriven.remove(record.key());
			return;
		}
		Instant at = Instant.ofEpochMilli(record.timestamp());
		try {
			JsonNode value = this.mapper.readTree(record.value());
			if (value != null && value.path("redrivenAt").isIntegralNumber()) {
				at = Instant.ofEpochMilli(value.path("redrivenAt").asLong());
			}
		}
		catch (JacksonException ex) {
			logger.debug("Unreadable record in the redrive ledger '" + this.topic + "' at " + record.partition() + "@"
					+ record.offset() + "; its key counts as redriven");
		}
		redriven.put(record.key(), at);
	}

	/**
	 * Return the ledger's record of a redriven dead letter.
	 * @param deadLetter the dead letter
	 * @param target the topic it went to
	 * @param at when
	 * @return the record
	 */
	ProducerRecord<String, byte[]> entry(DeadLetter deadLetter, String target, Instant at) {
		ObjectNode value = this.mapper.createObjectNode()
			.put("deadLetter", deadLetter.position())
			.put("target", target)
			.put("redrivenAt", at.toEpochMilli())
			.put("redriveCount", deadLetter.redriveCount() + 1);
		putIfPresent(value, "taskId", deadLetter.taskId());
		putIfPresent(value, "task", deadLetter.task());
		return new ProducerRecord<>(this.topic, key(deadLetter), this.mapper.writeValueAsBytes(value));
	}

	private static void putIfPresent(ObjectNode node, String name, @Nullable String value) {
		if (value != null) {
			node.put(name, value);
		}
	}

}
