package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;
import org.springframework.kafka.support.SendResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DelayedTaskPublisher}.
 *
 * @author kafka-task
 */
class DelayedTaskPublisherTests {

	private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

	private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
			new ByteArraySerializer()) {

		@Override
		public void close(Duration timeout) {
			// the template closes its producer after each send
		}

	};

	private final DelayedTaskPublisher publisher = new DelayedTaskPublisher(
			new KafkaTemplate<>(new MockProducerFactory<>(() -> this.producer)),
			new DelayTiers("tasks.", List.of(Duration.ofSeconds(1), Duration.ofSeconds(5))),
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void whenDueIsLaterThenTheRecordWaitsInATierWithItsDueAndTarget() {
		publish(NOW.plusSeconds(7)).join();
		ProducerRecord<String, byte[]> record = this.producer.history().get(0);
		assertThat(record.topic()).isEqualTo("tasks.__delay.5s");
		assertThat(new String(record.headers().lastHeader(DelayedTaskPublisher.DUE).value()))
			.isEqualTo(Long.toString(NOW.plusSeconds(7).toEpochMilli()));
		assertThat(new String(record.headers().lastHeader(DelayedTaskPublisher.TARGET).value()))
			.isEqualTo("tasks.orders");
	}

	@Test
	void whenDueIsLongPastThenTheRecordGoesStraightToItsTargetWithoutOverflowing() {
		publish(Instant.ofEpochMilli(Long.MIN_VALUE)).join();
		publish(Instant.MIN).join();
		assertThat(this.producer.history()).extracting(ProducerRecord::topic).containsExactly("tasks.orders",
				"tasks.orders");
		assertThat(this.producer.history().get(0).headers().lastHeader(DelayedTaskPublisher.DUE)).isNull();
	}

	@Test
	void whenDueIsBeyondTheLatestDueThenThePublishFailsWithoutWriting() {
		assertThat(publish(Instant.ofEpochMilli(Long.MAX_VALUE))).isCompletedExceptionally();
		assertThat(publish(Instant.MAX)).isCompletedExceptionally();
		assertThat(this.producer.history()).isEmpty();
	}

	private CompletableFuture<SendResult<String, byte[]>> publish(Instant due) {
		try {
			return this.publisher.publish("tasks.orders", "key", new byte[0], new RecordHeaders(), due);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(new AssertionError("publish threw " + ex, ex));
		}
	}

}
