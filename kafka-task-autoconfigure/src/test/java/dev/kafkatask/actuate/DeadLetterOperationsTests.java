package dev.kafkatask.actuate;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.kafkatask.kafka.deadletter.BackendDeadLetters;
import dev.kafkatask.kafka.deadletter.ClusterDeadLetters;
import dev.kafkatask.kafka.deadletter.DeadLetterFilter;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.DeadLetters;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.routing.Backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link DeadLetterOperations}: which backend's (and Kafka cluster's) dead letters a
 * request reaches, and the 400s that say why it reaches none.
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
		assertThat(this.operations.list("q", null, null, "unknown-task", "t", "id", null, null, null).queue())
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
		assertThat(this.operations.list("q", "RabbitMQ", null, null, null, null, null, null, 5).queue())
			.isEqualTo("rabbitmq:q");
		assertThat(this.rabbit.limit).isEqualTo(5);
		assertThat(this.operations.redrive("q", "rabbitmq", null, null, null, null, null, null, true).queue())
			.isEqualTo("rabbitmq:q");
		assertThat(this.rabbit.dryRun).isTrue();
	}

	@Test
	void whenTheBackendIsUnknownThenTheRequestIsRefusedSayingWhich() {
		this.operations.add(this.kafka);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("q", "sqs", null, null, null, null, null, null, null))
			.withMessage("Unknown backend 'sqs': kafka or rabbitmq");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.redrive("q", "x\ny", null, null, null, null, null, null, false))
			.withMessage("Unknown backend 'x?y': kafka or rabbitmq");
	}

	@Test
	void whenTheApplicationHasNoRabbitLegThenRabbitDeadLettersAreRefusedSayingWhy() {
		this.operations.add(this.kafka);
		assertThat(this.operations.backends()).containsExactly("kafka");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.redrive("q", "rabbitmq", null, null, null, null, null, null, true))
			.withMessageStartingWith("Dead letters of RabbitMQ: this application has no RabbitMQ leg");
	}

	@Test
	void whenTheApplicationHasNoKafkaLegThenKafkaDeadLettersAreRefusedSayingWhy() {
		this.operations.add(this.rabbit);
		assertThat(this.operations.kafkaClusters()).isEmpty();
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("q", null, null, null, null, null, null, null, null))
			.withMessageStartingWith("Dead letters are read from Kafka: this application has no Kafka leg");
	}

	@Test
	void whenTheDeadLettersRefuseAnArgumentThenTheRequestIsRefusedWithTheirReason() {
		this.operations.add(this.rabbit);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("nope", "rabbitmq", null, null, null, null, null, null, null))
			.withMessage("Unknown queue 'nope'");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(
					() -> this.operations.list("q", "rabbitmq", null, "no-such-reason", null, null, null, null, null))
			.withMessageStartingWith("Unknown dead-letter reason 'no-such-reason'");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(
					() -> this.operations.redrive("q", "rabbitmq", null, null, null, null, "yesterday", null, false))
			.withMessageContaining("'from' is not an ISO-8601 instant");
	}

	@Test
	void whenAKafkaClusterIsNamedThenItsDeadLettersAreListedAndRedriven() {
		DeadLetters east = clusterDeadLetters("east");
		this.operations.add(this.kafka);
		this.operations.setKafkaClusters(new ClusterDeadLetters(mock(DeadLetters.class), Map.of("east", east)));
		assertThat(this.operations.list("q", null, "east", null, null, null, null, null, 7).queue())
			.isEqualTo("east:q");
		then(east).should().list("q", DeadLetterFilter.all(), 7);
		assertThat(this.operations.redrive("q", "kafka", "east", null, null, null, null, null, true).queue())
			.isEqualTo("east:q");
		then(east).should().redrive("q", DeadLetterFilter.all(), true);
		assertThat(this.kafka.filter).as("the default cluster's, untouched").isNull();
		assertThat(this.operations.kafkaClusters()).containsExactly("default", "east");
	}

	@Test
	void whenTheDefaultClusterIsNamedOrNoneThenTheDefaultClustersDeadLettersAreListed() {
		this.operations.add(this.kafka);
		this.operations.setKafkaClusters(
				new ClusterDeadLetters(mock(DeadLetters.class), Map.of("east", clusterDeadLetters("east"))));
		assertThat(this.operations.list("q", null, "default", null, null, null, null, null, null).queue())
			.isEqualTo("kafka:q");
		assertThat(this.operations.redrive("q", null, "", null, null, null, null, null, false).queue())
			.isEqualTo("kafka:q");
	}

	@Test
	void whenTheKafkaClusterIsUnknownThenTheRequestIsRefusedNamingTheKnownOnes() {
		this.operations.add(this.kafka);
		assertThat(this.operations.kafkaClusters()).containsExactly("default");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("q", null, "east", null, null, null, null, null, null))
			.withMessage("Unknown Kafka cluster 'east': default (kafka-task.kafka.clusters)");
		this.operations.setKafkaClusters(
				new ClusterDeadLetters(mock(DeadLetters.class), Map.of("east", clusterDeadLetters("east"))));
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.redrive("q", "kafka", "we\nst", null, null, null, null, null, false))
			.withMessage("Unknown Kafka cluster 'we?st': default, east (kafka-task.kafka.clusters)");
	}

	@Test
	void whenAClusterIsNamedForRabbitmqThenTheRequestIsRefused() {
		this.operations.add(this.kafka);
		this.operations.add(this.rabbit);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.list("q", "rabbitmq", "default", null, null, null, null, null, null))
			.withMessage("'cluster' names a Kafka cluster: the dead letters of rabbitmq are on none (leave it out)");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.operations.redrive("q", "rabbitmq", "east", null, null, null, null, null, true))
			.withMessageStartingWith("'cluster' names a Kafka cluster");
		assertThat(this.rabbit.filter).isNull();
	}

	/**
	 * Return the dead letters of a Kafka cluster that answer with the cluster and the queue
	 * asked for.
	 */
	private static DeadLetters clusterDeadLetters(String cluster) {
		DeadLetters deadLetters = mock(DeadLetters.class);
		given(deadLetters.backend()).willReturn(Backend.KAFKA);
		given(deadLetters.list(anyString(), any(), anyInt())).willAnswer((invocation) -> new DeadLetterList(
				cluster + ":" + invocation.getArgument(0), List.of(), 0, true));
		given(deadLetters.redrive(anyString(), any(), anyBoolean()))
			.willAnswer((invocation) -> new RedriveResult(cluster + ":" + invocation.getArgument(0),
					invocation.getArgument(2), List.of(), List.of(), 0, 0, true));
		return deadLetters;
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
