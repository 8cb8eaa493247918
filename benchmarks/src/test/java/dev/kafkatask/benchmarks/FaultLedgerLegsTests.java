package dev.kafkatask.benchmarks;

import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.kafka.core.KafkaProducerException;

import dev.kafkatask.dispatch.BackendUnavailableException;
import dev.kafkatask.rabbit.RabbitPublishException;
import dev.kafkatask.routing.Backend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the legs of a {@link FaultLedger}: tasks that went to Kafka and to RabbitMQ.
 *
 * @author kafka-task
 */
class FaultLedgerLegsTests {

	private static final long T0 = 1_000_000L;

	private final FaultLedger ledger = new FaultLedger("rabbitmq-restart-fail#1", 100, 2);

	@Test
	void whenTasksGoToBothBackendsThenEachLegIsCountedApart() {
		acknowledge(0, T0, Backend.KAFKA, 0, 0);
		acknowledge(1, T0 + 6000, Backend.KAFKA, 1, 0);
		acknowledge(2, T0, Backend.RABBITMQ, -1, -1);
		acknowledge(3, T0, Backend.RABBITMQ, -1, -1);
		this.ledger.dispatched(4, T0 + 6000);
		this.ledger.failed(4, T0 + 6000, new CompletionException(new BackendUnavailableException(
				"Task 'bench.fault' of queue 'q' is routed to rabbitmq by rule 'queue:q' (on-unavailable: fail), "
						+ "which is unavailable: RabbitMQ connection is down")));
		run(0, T0 + 10);
		run(1, T0 + 6010);
		run(2, T0 + 10);
		run(2, T0 + 20_000);
		Map<String, Map<String, Object>> legs = this.ledger.legs(window());
		assertThat(legs.get("kafka")).containsEntry("acknowledged", 2)
			.containsEntry("acknowledgedDuringFault", 1)
			.containsEntry("dispatchErrors", 0)
			.containsEntry("ran", 2)
			.containsEntry("ranTwice", 0)
			.containsEntry("acknowledgedNeverRun", 0);
		assertThat(legs.get("rabbitmq")).containsEntry("acknowledged", 2)
			.containsEntry("acknowledgedDuringFault", 0)
			.containsEntry("dispatchErrors", 1)
			.containsEntry("ran", 1)
			.containsEntry("ranTwice", 1)
			.containsEntry("acknowledgedNeverRun", 1);
	}

	@Test
	void whenTasksWentToRabbitMqThenTheyAreNotCountedAsUncommittedOnKafka() {
		acknowledge(0, T0, Backend.KAFKA, 0, 0);
		acknowledge(1, T0, Backend.RABBITMQ, -1, -1);
		acknowledge(2, T0, Backend.RABBITMQ, -1, -1);
		run(0, T0 + 10);
		run(1, T0 + 10);
		run(2, T0 + 10);
		this.ledger.committed(T0 + 100, Map.of());
		assertThat(this.ledger.uncommittedFinishedMax(T0, T0 + 1000)).isEqualTo(1);
		this.ledger.committed(T0 + 200, Map.of(0, 1L));
		assertThat(this.ledger.uncommittedFinishedMax(T0 + 150, T0 + 1000)).isEqualTo(1);
		assertThat(this.ledger.uncommittedFinishedMax(T0 + 250, T0 + 1000)).isEqualTo(0);
	}

	@Test
	void whenAFailureIsRabbitMqsThenItsLegIsRabbitMq() {
		assertThat(FaultLedger.legOf(new CompletionException(new RabbitPublishException("nack"))))
			.isEqualTo(Backend.RABBITMQ);
		assertThat(FaultLedger.legOf(new AmqpConnectException(new ConnectException("Connection refused"))))
			.isEqualTo(Backend.RABBITMQ);
		assertThat(FaultLedger.legOf(new BackendUnavailableException(
				"Task 't' of queue 'q' is routed to rabbitmq by rule 'default' (on-unavailable: fail), which is unavailable")))
			.isEqualTo(Backend.RABBITMQ);
	}

	@Test
	void whenAFailureIsKafkasThenItsLegIsKafka() {
		assertThat(FaultLedger.legOf(new CompletionException(
				new KafkaProducerException(null, "Failed to send", new TimeoutException("Expiring 1 record(s)")))))
			.isEqualTo(Backend.KAFKA);
		assertThat(FaultLedger.legOf(new BackendUnavailableException(
				"Task 't' of queue 'q' is routed to kafka by rule 'default' (on-unavailable: fail), which is unavailable")))
			.isEqualTo(Backend.KAFKA);
	}

	private void acknowledge(int id, long at, Backend backend, int partition, long offset) {
		this.ledger.dispatched(id, at);
		this.ledger.acknowledged(id, at + 1, backend, partition, offset);
	}

	private void run(int id, long at) {
		this.ledger.journal("w1", "rabbitmq-restart-fail#1 " + id + " " + at);
	}

	private static FaultLedger.Window window() {
		return new FaultLedger.Window(T0, T0 + 5000, T0 + 10_000, T0 + 15_000, T0 + 30_000);
	}

}
