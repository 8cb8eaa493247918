package dev.kafkatask.kafka.beat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockConsumerFactory;
import org.springframework.kafka.mock.MockProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link ScheduleStateStore} on a {@code MockConsumer} topic: it is read from the
 * beginning, then followed, so that an instance that does not lead knows the last fired
 * slots too.
 *
 * @author kafka-task
 */
class ScheduleStateStoreTests {

	private static final String TOPIC = "tasks.__beat.state";

	private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

	private static final Instant T = Instant.parse("2026-12-02T14:00:00Z");

	/**
	 * The topic's records: each new consumer starts with them.
	 */
	private final List<ConsumerRecord<String, byte[]>> log = new ArrayList<>();

	private final List<MockConsumer<String, byte[]>> consumers = new ArrayList<>();

	private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
			new ByteArraySerializer());

	private final ScheduleStateStore store = new ScheduleStateStore(new MockConsumerFactory<>(this::consumer),
			new KafkaTemplate<>(new MockProducerFactory<>(() -> this.producer)), TOPIC, Duration.ofSeconds(1));

	@Test
	void whenReadToTheEndThenEachScheduleHasItsLastSlotAndTombstonesAndNonsenseAreLeftOut() throws Exception {
		write("tick", T.minusSeconds(2));
		write("tick", T.minusSeconds(1));
		write("nightly", T.minus(Duration.ofDays(1)));
		write("gone", T);
		write("gone", null);
		writeText("broken", "yesterday");
		assertThat(this.store.lastFiredSlots()).as("nothing read yet").isEmpty();
		Map<String, Instant> slots = this.store.readAll();
		assertThat(slots).containsOnly(Map.entry("tick", T.minusSeconds(1)),
				Map.entry("nightly", T.minus(Duration.ofDays(1))));
		assertThat(this.store.lastFiredSlots()).isEqualTo(slots);
	}

	@Test
	void whenAnInstanceFollowsTheTopicThenItSeesTheLeadersRecordsWithoutReadingAgain() throws Exception {
		write("tick", T);
		this.store.follow();
		assertThat(this.store.lastFiredSlots()).containsExactly(Map.entry("tick", T));
		// the leader, elsewhere, records the next slots
		write("tick", T.plusSeconds(1));
		write("tick", T.plusSeconds(2));
		this.store.follow();
		assertThat(this.store.lastFiredSlots()).containsExactly(Map.entry("tick", T.plusSeconds(2)));
		// and someone forgets the schedule by hand
		write("tick", null);
		this.store.follow();
		assertThat(this.store.lastFiredSlots()).isEmpty();
		assertThat(this.consumers).as("one reader, assigned, for all of it").hasSize(1);
	}

	@Test
	void whenThisInstanceRecordsASlotThenItKnowsItAtOnce() throws Exception {
		write("tick", T);
		this.store.readAll();
		this.store.record("tick", T.plusSeconds(1));
		assertThat(this.producer.history()).singleElement()
			.satisfies((record) -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
				.isEqualTo("2026-12-02T14:00:01Z"));
		assertThat(this.store.lastFiredSlots()).containsExactly(Map.entry("tick", T.plusSeconds(1)));
	}

	@Test
	void whenAReadFailsThenTheNextStartsAgainFromTheBeginningAndKeepsWhatWasKnownMeanwhile() throws Exception {
		write("tick", T);
		this.store.follow();
		this.consumers.get(0).setPollException(new KafkaException("broker gone"));
		assertThatExceptionOfType(KafkaException.class).isThrownBy(this.store::follow);
		assertThat(this.store.lastFiredSlots()).containsExactly(Map.entry("tick", T));
		write("tick", T.plusSeconds(1));
		this.store.follow();
		assertThat(this.consumers).hasSize(2);
		assertThat(this.store.lastFiredSlots()).containsExactly(Map.entry("tick", T.plusSeconds(1)));
	}

	private void write(String schedule, Instant slot) {
		writeBytes(schedule, (slot != null) ? slot.toString().getBytes(StandardCharsets.UTF_8) : null);
	}

	private void writeText(String schedule, String value) {
		writeBytes(schedule, value.getBytes(StandardCharsets.UTF_8));
	}

	private void writeBytes(String schedule, byte[] value) {
		ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(TOPIC, 0, this.log.size(), schedule, value);
		this.log.add(record);
		for (MockConsumer<String, byte[]> consumer : this.consumers) {
			if (!consumer.closed()) {
				consumer.addRecord(record);
				consumer.updateEndOffsets(Map.of(PARTITION, (long) this.log.size()));
			}
		}
	}

	private MockConsumer<String, byte[]> consumer() {
		MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {

			@Override
			public synchronized void assign(java.util.Collection<TopicPartition> partitions) {
				super.assign(partitions);
				// the records already in the topic, once it is assigned
				ScheduleStateStoreTests.this.log.forEach(this::addRecord);
			}

		};
		consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, new Node(0, "localhost", 9092), null, null)));
		consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
		consumer.updateEndOffsets(Map.of(PARTITION, (long) this.log.size()));
		this.consumers.add(consumer);
		return consumer;
	}

}
