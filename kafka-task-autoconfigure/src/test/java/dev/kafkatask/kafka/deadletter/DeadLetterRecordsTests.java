package dev.kafkatask.kafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.TaskRunner;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.monitor.DeadLetterReason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeadLetterRecords}.
 *
 * @author kafka-task
 */
class DeadLetterRecordsTests {

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final DeadLetterRecords records = new DeadLetterRecords(this.codec);

	@Test
	void whenDeadLetterOfAFailedTaskIsReadThenItsHeadersAndEnvelopeDescribeIt() {
		ConsumerRecord<String, byte[]> record = record(envelope(2, Map.of(TaskHeaders.REDRIVE_COUNT, "1")),
				TaskHeaders.DLT_REASON, "max-retries-exceeded", TaskHeaders.DLT_MESSAGE, "boom", TaskHeaders.DLT_ATTEMPTS,
				"3");
		DeadLetter deadLetter = this.records.read(record).deadLetter();
		assertThat(deadLetter.taskId()).isEqualTo("id-1");
		assertThat(deadLetter.task()).isEqualTo("it.count");
		assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.MAX_RETRIES_EXCEEDED);
		assertThat(deadLetter.message()).isEqualTo("boom");
		assertThat(deadLetter.attempts()).isEqualTo(3);
		assertThat(deadLetter.redriveCount()).isOne();
		assertThat(deadLetter.deadLetteredAt()).isEqualTo(Instant.ofEpochMilli(1000));
		assertThat(this.records.read(record).unredrivable()).isNull();
	}

	@Test
	void whenPayloadIsNoEnvelopeThenHeadersDescribeItAndGarbageHeadersAreIgnored() {
		ConsumerRecord<String, byte[]> record = record("not json{".getBytes(StandardCharsets.UTF_8),
				TaskHeaders.DLT_REASON, "no-such-reason", TaskHeaders.TASK_ID, "h-1", TaskHeaders.REDRIVE_COUNT, "-5",
				TaskHeaders.DLT_ATTEMPTS, "many");
		DeadLetter deadLetter = this.records.read(record).deadLetter();
		assertThat(deadLetter.taskId()).isEqualTo("h-1");
		assertThat(deadLetter.task()).isNull();
		assertThat(deadLetter.reason()).isNull();
		assertThat(deadLetter.redriveCount()).isZero();
		assertThat(deadLetter.attempts()).isZero();
	}

	@Test
	void whenPayloadWasOmittedOrIsEmptyThenItCannotBeRedriven() {
		ConsumerRecord<String, byte[]> omitted = record(null, TaskHeaders.DLT_PAYLOAD_OMITTED, "2000000");
		assertThat(this.records.read(omitted).unredrivable()).isEqualTo(RedriveResult.SkipReason.PAYLOAD_OMITTED);
		assertThat(this.records.read(omitted).deadLetter().payloadSize()).isEqualTo(2_000_000);
		assertThat(this.records.read(record(new byte[0])).unredrivable())
			.isEqualTo(RedriveResult.SkipReason.NO_PAYLOAD);
		assertThat(this.records.read(record(null)).unredrivable()).isEqualTo(RedriveResult.SkipReason.NO_PAYLOAD);
	}

	@Test
	void whenEnvelopeIsRedrivenThenRetriesResetCountOneMoreAndDeadLetterHeadersGone() {
		ConsumerRecord<String, byte[]> record = record(
				envelope(3, Map.of(TaskHeaders.REDRIVE_COUNT, "1", TaskRunner.RATE_SLOT_RESERVED, "123", "own", "x")),
				TaskHeaders.DLT_REASON, "max-retries-exceeded", TaskHeaders.DLT_ORIGINAL_TOPIC, "elsewhere",
				"traceparent", "00-abc", TaskHeaders.REDRIVE_COUNT, "1");
		ProducerRecord<String, byte[]> redriven = this.records.redriven(record, this.records.read(record),
				"tasks.default");
		assertThat(redriven.topic()).isEqualTo("tasks.default");
		assertThat(redriven.partition()).isNull();
		assertThat(redriven.key()).isEqualTo("key");
		TaskEnvelope envelope = this.codec.decode(redriven.value());
		assertThat(envelope.retries()).isZero();
		assertThat(envelope.headers()).containsEntry(TaskHeaders.REDRIVE_COUNT, "2")
			.containsEntry("own", "x")
			.doesNotContainKey(TaskRunner.RATE_SLOT_RESERVED);
		assertThat(headerNames(redriven)).containsExactly("traceparent", TaskHeaders.TASK_ID, TaskHeaders.TASK_NAME,
				TaskHeaders.REDRIVE_COUNT);
		assertThat(new String(redriven.headers().lastHeader(TaskHeaders.TASK_ID).value(), StandardCharsets.UTF_8))
			.isEqualTo(envelope.id());
		assertThat(new String(redriven.headers().lastHeader(TaskHeaders.TASK_NAME).value(), StandardCharsets.UTF_8))
			.isEqualTo(envelope.task());
		assertThat(new String(redriven.headers().lastHeader(TaskHeaders.REDRIVE_COUNT).value(), StandardCharsets.UTF_8))
			.isEqualTo("2");
	}

	@Test
	void whenPayloadIsNoEnvelopeThenItIsRedrivenUnchanged() {
		byte[] payload = "not json{".getBytes(StandardCharsets.UTF_8);
		ConsumerRecord<String, byte[]> record = record(payload, TaskHeaders.DLT_REASON, "invalid-envelope");
		ProducerRecord<String, byte[]> redriven = this.records.redriven(record, this.records.read(record), "t");
		assertThat(redriven.value()).isEqualTo(payload);
		assertThat(headerNames(redriven)).containsExactly(TaskHeaders.REDRIVE_COUNT);
	}

	@Test
	void whenDeadLetterNamesATaskThenItsLedgerKeyIsTheTaskAndRedriveCountElseItsPosition() {
		DeadLetter named = this.records.read(record(envelope(0, Map.of()))).deadLetter();
		assertThat(RedriveLedger.key(named)).isEqualTo("tasks.default.dlt/task/0/id-1");
		DeadLetter unnamed = this.records.read(record("x".getBytes(StandardCharsets.UTF_8))).deadLetter();
		assertThat(RedriveLedger.key(unnamed)).isEqualTo("tasks.default.dlt/record/1/7/1000");
	}

	private byte[] envelope(int retries, Map<String, String> headers) {
		return this.codec.encode(new TaskEnvelope("id-1", "it.count", List.of(), Map.of(), Map.of(), headers,
				Instant.parse("2026-01-01T00:00:00Z"), retries));
	}

	private static List<String> headerNames(ProducerRecord<String, byte[]> record) {
		return java.util.Arrays.stream(record.headers().toArray()).map(Header::key).toList();
	}

	private static ConsumerRecord<String, byte[]> record(byte[] value, String... headers) {
		RecordHeaders recordHeaders = new RecordHeaders();
		for (int i = 0; i < headers.length; i += 2) {
			recordHeaders.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
		}
		return new ConsumerRecord<>("tasks.default.dlt", 1, 7, 1000, TimestampType.CREATE_TIME, -1,
				(value != null) ? value.length : -1, "key", value, recordHeaders, Optional.empty());
	}

}
