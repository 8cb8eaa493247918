package dev.kafkatask.rabbit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

import dev.kafkatask.kafka.deadletter.DeadLetter;
import dev.kafkatask.kafka.deadletter.DeadLetterFilter;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.monitor.DeadLetterReason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RabbitDeadLetterMessages}: what a message of a dead-letter queue says, and
 * the copy that redrives it.
 *
 * @author kafka-task
 */
class RabbitDeadLetterMessagesTests {

	private static final Instant AT = Instant.parse("2026-03-01T08:00:00.123Z");

	@Test
	void whenADeadLetterHasItsHeadersThenItIsDescribedByThem() {
		Message message = deadLetter(Map.of("id", "t-1", "task", "billing.charge", "retries", 2,
				RabbitDeadLetters.REASON, "max-retries-exceeded", RabbitDeadLetters.MESSAGE, "card declined",
				RabbitDeadLetters.AT, AT.toEpochMilli(), RabbitDeadLetters.ATTEMPTS, 3,
				RabbitDeadLetterMessages.REDRIVE_COUNT, "1"));
		DeadLetter deadLetter = RabbitDeadLetterMessages.read("billing.dlq", 7, message);
		assertThat(deadLetter.topic()).isEqualTo("billing.dlq");
		assertThat(deadLetter.partition()).isEqualTo(DeadLetter.NO_PARTITION);
		assertThat(deadLetter.offset()).isEqualTo(7);
		assertThat(deadLetter.position()).isEqualTo("billing.dlq#7");
		assertThat(deadLetter.taskId()).isEqualTo("t-1");
		assertThat(deadLetter.task()).isEqualTo("billing.charge");
		assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.MAX_RETRIES_EXCEEDED);
		assertThat(deadLetter.message()).isEqualTo("card declined");
		assertThat(deadLetter.deadLetteredAt()).isEqualTo(AT);
		assertThat(deadLetter.attempts()).isEqualTo(3);
		assertThat(deadLetter.redriveCount()).isOne();
		assertThat(deadLetter.payloadSize()).isEqualTo(13);
		assertThat(deadLetter.payloadOmitted()).isFalse();
		assertThat(deadLetter.redrivenAt()).isNull();
		assertThat(RabbitDeadLetterMessages.unredrivable(deadLetter)).isNull();
	}

	@Test
	void whenADeadLetterIsOlderThanItsTimeHeaderThenItsTimestampOrElseTheEpochIsItsTime() {
		Message stamped = deadLetter(Map.of("id", "t-1"));
		stamped.getMessageProperties().setTimestamp(Date.from(AT));
		assertThat(RabbitDeadLetterMessages.read("q.dlq", 0, stamped).deadLetteredAt()).isEqualTo(AT);
		DeadLetter unknown = RabbitDeadLetterMessages.read("q.dlq", 0, deadLetter(Map.of("id", "t-1")));
		assertThat(unknown.deadLetteredAt()).isEqualTo(Instant.EPOCH);
		assertThat(DeadLetterFilter.all().between(AT, null).matches(unknown)).isFalse();
		assertThat(unknown.attempts()).isZero();
		assertThat(unknown.redriveCount()).isZero();
	}

	@Test
	void whenHeadersAreMissingOrGarbledThenTheDeadLetterIsStillDescribed() {
		MessageProperties properties = new MessageProperties();
		properties.setCorrelationId("from-correlation");
		properties.setHeader("task", LongStringHelper.asLongString("it.count"));
		properties.setHeader(RabbitDeadLetters.REASON, "no-such-reason");
		properties.setHeader(RabbitDeadLetters.AT, "yesterday");
		properties.setHeader(RabbitDeadLetters.ATTEMPTS, -4);
		properties.setHeader(RabbitDeadLetterMessages.REDRIVE_COUNT, "many");
		properties.setHeader(RabbitDeadLetters.MESSAGE, "x".repeat(5000));
		DeadLetter deadLetter = RabbitDeadLetterMessages.read("q.dlq", 0, new Message(new byte[0], properties));
		assertThat(deadLetter.taskId()).isEqualTo("from-correlation");
		assertThat(deadLetter.task()).isEqualTo("it.count");
		assertThat(deadLetter.reason()).isNull();
		assertThat(deadLetter.deadLetteredAt()).isEqualTo(Instant.EPOCH);
		assertThat(deadLetter.attempts()).isZero();
		assertThat(deadLetter.redriveCount()).isZero();
		assertThat(deadLetter.message()).hasSize(2003).endsWith("...");
		assertThat(RabbitDeadLetterMessages.unredrivable(deadLetter)).isEqualTo(RedriveResult.SkipReason.NO_PAYLOAD);
		assertThat(DeadLetterFilter.all().withReasons(DeadLetterReason.UNKNOWN_TASK).matches(deadLetter)).isFalse();
	}

	@Test
	void whenADeadLetterIsRedrivenThenItsCopyHasNoDeadLetterHeadersOneMoreRedriveAndItsRetriesReset() {
		Message message = deadLetter(Map.of("id", "t-1", "task", "billing.charge", "retries", 2, "eta",
				"2026-03-01T08:00:00", RabbitDeadLetters.REASON, "max-retries-exceeded",
				RabbitDeadLetters.ORIGINAL_QUEUE, "elsewhere", RabbitDeadLetters.AT, AT.toEpochMilli(),
				RabbitDeadLetterMessages.REDRIVE_COUNT, "1", "kafka-task-rate-slot", "1772352000000"));
		MessageProperties properties = message.getMessageProperties();
		properties.setContentType("application/json");
		properties.setContentEncoding("utf-8");
		properties.setCorrelationId("t-1");
		properties.setReplyTo("reply.q");
		properties.setPriority(3);
		properties.setExpiration("1000");
		DeadLetter deadLetter = RabbitDeadLetterMessages.read("billing.dlq", 0, message);
		Message copy = RabbitDeadLetterMessages.redriven(message, deadLetter);
		MessageProperties copied = copy.getMessageProperties();
		assertThat(copy.getBody()).isEqualTo(message.getBody());
		assertThat(copied.getHeaders()).containsOnlyKeys("id", "task", "retries", "eta",
				RabbitDeadLetterMessages.REDRIVE_COUNT);
		assertThat(copied.getHeaders()).containsEntry("retries", 0)
			.containsEntry("eta", "2026-03-01T08:00:00")
			.containsEntry(RabbitDeadLetterMessages.REDRIVE_COUNT, "2");
		assertThat(copied.getContentType()).isEqualTo("application/json");
		assertThat(copied.getContentEncoding()).isEqualTo("utf-8");
		assertThat(copied.getCorrelationId()).isEqualTo("t-1");
		assertThat(copied.getReplyTo()).isEqualTo("reply.q");
		assertThat(copied.getPriority()).isEqualTo(3);
		assertThat(copied.getExpiration()).isNull();
		assertThat(copied.getDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
	}

	@Test
	void whenADeadLetterCarriesRoutingOrDeathHeadersThenItsCopyDoesNot() {
		Message message = deadLetter(Map.of("id", "t-1", "task", "it.count", "CC", List.of("billing"), "BCC",
				List.of("payroll"), "x-death", List.of(), "x-first-death-queue", "q", "x-last-death-reason", "rejected"));
		Message copy = RabbitDeadLetterMessages.redriven(message, RabbitDeadLetterMessages.read("q.dlq", 0, message));
		assertThat(copy.getMessageProperties().getHeaders()).containsOnlyKeys("id", "task",
				RabbitDeadLetterMessages.REDRIVE_COUNT);
	}

	@Test
	void whenAMessageWithoutRetriesIsRedrivenThenNoneAreAdded() {
		Message message = deadLetter(Map.of("task", "it.count"));
		Message copy = RabbitDeadLetterMessages.redriven(message, RabbitDeadLetterMessages.read("q.dlq", 0, message));
		assertThat(copy.getMessageProperties().getHeaders()).containsOnlyKeys("task",
				RabbitDeadLetterMessages.REDRIVE_COUNT);
		assertThat(copy.getMessageProperties().getHeaders()).containsEntry(RabbitDeadLetterMessages.REDRIVE_COUNT,
				"1");
	}

	@Test
	void whenATaskIdIsALongStringThenItReadsAsText() {
		LongString id = LongStringHelper.asLongString("t-long");
		DeadLetter deadLetter = RabbitDeadLetterMessages.read("q.dlq", 0, deadLetter(Map.of("id", id)));
		assertThat(deadLetter.taskId()).isEqualTo("t-long");
		assertThat(DeadLetterFilter.all().withTaskIds("t-long").matches(deadLetter)).isTrue();
	}

	private static Message deadLetter(Map<String, Object> headers) {
		MessageProperties properties = new MessageProperties();
		headers.forEach(properties::setHeader);
		return new Message("[[1], {}, {}]".getBytes(StandardCharsets.UTF_8), properties);
	}

}
