package dev.kafkatask.kafka.deadletter;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.kafka.TaskTopics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Tests for {@link DeadLetters} that need no broker: the arguments are checked before
 * anything is read or written.
 *
 * @author kafka-task
 */
class DeadLettersTests {

	@SuppressWarnings("unchecked")
	private final ConsumerFactory<String, byte[]> consumers = mock(ConsumerFactory.class);

	@SuppressWarnings("unchecked")
	private final Producer<String, byte[]> producer = mock(Producer.class);

	private final DeadLetters deadLetters = new DeadLetters(this.consumers, () -> this.producer,
			new TaskTopics("tasks."), Set.of("default", "reports", "a__b", "x.dlt")::contains, () -> List.of("reports"),
			new EnvelopeCodec(), new RedriveLedger("tasks.__redriven", new JsonMapper()), Clock.systemUTC());

	@Test
	void whenQueueIsKnownThenItsDeadLetterTopicsAreReadAndItsOwnTopicsWritten() {
		assertThat(this.deadLetters.deadLetterTopics("default")).containsExactly(
				org.assertj.core.api.Assertions.entry("tasks.default.dlt", "tasks.default"));
		assertThat(this.deadLetters.deadLetterTopics("reports")).containsExactly(
				org.assertj.core.api.Assertions.entry("tasks.reports.dlt", "tasks.reports"),
				org.assertj.core.api.Assertions.entry("tasks.reports.high.dlt", "tasks.reports.high"));
	}

	@Test
	void whenQueueIsUnknownOrOneOfKafkaTasksOwnThenItIsRefused() {
		for (String queue : List.of("nope", "a__b", "x.dlt", "default.high", "", " ", "de fault")) {
			assertThatIllegalArgumentException().as(queue)
				.isThrownBy(() -> this.deadLetters.redrive(queue, DeadLetterFilter.all(), false))
				.withMessageContaining("queue");
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.deadLetters.list("q".repeat(300), DeadLetterFilter.all(), 10))
			.withMessage("Unknown queue '" + "q".repeat(64) + "...': name a queue of this application (a task's "
					+ "queue, kafka-task.kafka.queues, kafka-task.worker.queues, kafka-task.kafka.priority-queues or a "
					+ "routing rule's), not a dead-letter, high-priority or internal topic");
		verifyNoInteractions(this.consumers, this.producer);
	}

	@Test
	void whenLimitIsOutOfRangeThenItIsRefused() {
		for (int limit : new int[] { -1, 0, DeadLetters.MAX_LIMIT + 1 }) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.deadLetters.list("default", DeadLetterFilter.all(), limit))
				.withMessage("'limit' must be between 1 and 1000: " + limit);
		}
		verifyNoInteractions(this.consumers, this.producer);
	}

}
