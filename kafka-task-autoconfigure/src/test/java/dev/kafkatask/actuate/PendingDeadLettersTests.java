package dev.kafkatask.actuate;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.kafkatask.execution.PendingDeadLetter;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.routing.Backend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PendingDeadLetters}: what health says of a dead letter that could not be
 * written.
 *
 * @author kafka-task
 */
class PendingDeadLettersTests {

	private static final Instant SINCE = Instant.parse("2026-03-01T08:00:00Z");

	@Test
	void whenADeadLetterOfAKafkaClusterIsPendingThenItsClusterIsNamed() {
		PendingDeadLetter kafka = new PendingDeadLetter(Backend.KAFKA, "east", "orders", "record tasks.orders-0@7",
				DeadLetterReason.UNKNOWN_TASK, "TimeoutException", SINCE);
		PendingDeadLetter rabbit = new PendingDeadLetter(Backend.RABBITMQ, null, "billing", "billing#3",
				DeadLetterReason.INVALID_ENVELOPE, "AmqpException", SINCE);
		assertThat(PendingDeadLetters.describe(List.of(kafka, rabbit))).containsOnlyKeys("record tasks.orders-0@7",
				"billing#3")
			.hasEntrySatisfying("record tasks.orders-0@7",
					(details) -> assertThat(details).containsEntry("cluster", "east")
						.containsEntry("reason", "unknown-task")
						.containsEntry("failure", "TimeoutException")
						.containsEntry("since", "2026-03-01T08:00:00Z"))
			.hasEntrySatisfying("billing#3", (details) -> assertThat(details).doesNotContainKey("cluster"));
	}

}
