package dev.kafkatask.actuate;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.kafkatask.kafka.deadletter.BackendDeadLetters;
import dev.kafkatask.kafka.deadletter.DeadLetterFilter;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.routing.Backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DeadLetterOperations}: which backend's dead letters a request reaches, and
 * the 400s that say why it reaches none.
 *
 * @author kafka-task
 */
class DeadLetterOperationsTests {

	private final DeadLetterOperations operations = new DeadLetterOperations();

	private final Recording kafka = new Recording(Backend.KAFKA);

	private final Recording rabbit = new Recording(Backend.RABBITMQ);

	@Test
	void whenNoBackendIsNamedThenKafkasDeadLettersAreListed() {
		this.operations.add(this.rabbit);
		this.operations.add(this.kafka);
		assertThat(this.operations.list("q", null, "unknown-task", "t", "id", null, null, null).queue())
			.isEqualTo("kafka:q");
		assertThat(this.kafka.filter).isEqualTo(DeadLetterFilter.all()
			.withReasons(DeadLetterReason.UNKNOWN_TASK)
			.withTasks("t")
			.withTaskIds("id"));
		assertThat(this.kafka.limit).isEqualTo(100);
		assertThat(this.operations.backends()).containsExactly("kafka", "rabbitmq");
	}

	@Test
	void whenRabbitmqIsNamedThenItsDeadLettersAreListedAndRedriven() {
		this.operations.add(this.kafka);
		this.operations.add(this.rabbit);
		assertThat(this.operations.list("q", "RabbitMQ", null, null, null, null, null, 5).queue())
			.isEqualTo("rabbitmq:q");
		assertThat(this.rabbit.limit).isEqualTo(5);
		assertThat(this.operations.redrive("q", "rabbitmq", null, null, null, null, null, true).queue())
			.isEqualTo("rabbitmq:q");
		assertThat(this.rabbit.dryRun).isTrue();
	}

	@Test
	void whenTheBackendIsUnknownThenTheRequestIsRefusedSayingWhich() {
		this.operations.add(this.kafka);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("q", "sqs", null, null, null, null, null, null))
			.withMessage("Unknown backend 'sqs': kafka or rabbitmq");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.redrive("q", "x\ny", null, null, null, null, null, false))
			.withMessage("Unknown backend 'x?y': kafka or rabbitmq");
	}

	@Test
	void whenTheApplicationHasNoRabbitLegThenRabbitDeadLettersAreRefusedSayingWhy() {
		this.operations.add(this.kafka);
		assertThat(this.operations.backends()).containsExactly("kafka");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.redrive("q", "rabbitmq", null, null, null, null, null, true))
			.withMessageStartingWith("Dead letters of RabbitMQ: this application has no RabbitMQ leg");
	}

	@Test
	void whenTheApplicationHasNoKafkaLegThenKafkaDeadLettersAreRefusedSayingWhy() {
		this.operations.add(this.rabbit);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("q", null, null, null, null, null, null, null))
			.withMessageStartingWith("Dead letters are read from Kafka: this application has no Kafka leg");
	}

	@Test
	void whenTheDeadLettersRefuseAnArgumentThenTheRequestIsRefusedWithTheirReason() {
		this.operations.add(this.rabbit);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("nope", "rabbitmq", null, null, null, null, null, null))
			.withMessage("Unknown queue 'nope'");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("q", "rabbitmq", "no-such-reason", null, null, null, null, null))
			.withMessageStartingWith("Unknown dead-letter reason 'no-such-reason'");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.redrive("q", "rabbitmq", null, null, null, "yesterday", null, false))
			.withMessageContaining("'from' is not an ISO-8601 instant");
	}

	/**
	 * Dead letters that answer with the backend and queue asked for, and remember the rest.
	 */
	private static final class Recording implements BackendDeadLetters {

		private final Backend backend;

		DeadLetterFilter filter;

		int limit;

		boolean dryRun;

		Recording(Backend backend) {
			this.backend = backend;
		}

		@Override
		public Backend backend() {
			return this.backend;
		}

		@Override
		public DeadLetterList list(String queue, DeadLetterFilter filter, int limit) {
			check(queue);
			this.filter = filter;
			this.limit = limit;
			return new DeadLetterList(this.backend.id() + ":" + queue, List.of(), 0, true);
		}

		@Override
		public RedriveResult redrive(String queue, DeadLetterFilter filter, boolean dryRun) {
			check(queue);
			this.filter = filter;
			this.dryRun = dryRun;
			return new RedriveResult(this.backend.id() + ":" + queue, dryRun, List.of(), List.of(), 0, 0, true);
		}

		private static void check(String queue) {
			if (!queue.equals("q")) {
				throw new IllegalArgumentException("Unknown queue '" + queue + "'");
			}
		}

	}

}
