package dev.kafkatask.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.OnUnavailable;
import dev.kafkatask.routing.Ramp;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.TaskRouter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DelayRoutes}.
 *
 * @author kafka-task
 */
class DelayRoutesTests {

	private final Map<String, DelayedTaskPublisher> publishers = Map.of("default", publisher(), "east", publisher());

	private final TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.KAFKA), Map.of("east", 1).keySet());

	@Test
	void whenTheQueueIsRoutedToTheForwardersClusterThenTheRecordStays() {
		DelayRoutes routes = new DelayRoutes("default", this.router, this.publishers);
		assertThat(routes.clusterOf(record("t-1", "key"), "orders")).isEqualTo("default");
	}

	@Test
	void whenTheQueueMovedToAnotherKnownClusterThenTheRecordGoesThere() {
		this.router.update((rules) -> rules.withQueue("orders",
				new Route(Backend.KAFKA, "east", null, null, OnUnavailable.FAIL)));
		DelayRoutes routes = new DelayRoutes("default", this.router, this.publishers);
		assertThat(routes.clusterOf(record("t-1", "key"), "orders")).isEqualTo("east");
		assertThat(routes.publisher("east")).isSameAs(this.publishers.get("east"));
		assertThat(routes.clusterOf(record("t-1", "key"), "other")).isEqualTo("default");
		assertThat(new DelayRoutes("east", this.router, this.publishers).clusterOf(record("t-1", "key"), "other"))
			.as("back to the default cluster, where other queues are routed")
			.isEqualTo("default");
	}

	@Test
	void whenARampSplitsTheQueueThenEachTaskGoesWhereANewDispatchOfItWouldGo() {
		this.router.update((rules) -> rules.withQueue("orders",
				new Route(Backend.KAFKA, null, new Ramp(Backend.KAFKA, "east", 50), null, OnUnavailable.FAIL)));
		DelayRoutes routes = new DelayRoutes("default", this.router, this.publishers);
		List<String> ids = IntStream.range(0, 200).mapToObj((i) -> "t-" + i).toList();
		for (String id : ids) {
			String dispatched = this.router.route("it.add", "orders", id, null).cluster();
			assertThat(routes.clusterOf(record(id, null), "orders")).isEqualTo(dispatched);
		}
		assertThat(ids.stream().map((id) -> routes.clusterOf(record(id, null), "orders")).distinct())
			.containsExactlyInAnyOrder("default", "east");
	}

	@Test
	void whenTheQueueGoesToRabbitOrTheRecordHasNoTaskHeadersThenTheRecordStays() {
		this.router.update((rules) -> rules.withQueue("orders", Route.to(Backend.RABBITMQ)));
		DelayRoutes routes = new DelayRoutes("east", this.router, this.publishers);
		assertThat(routes.clusterOf(record("t-1", null), "orders")).isEqualTo("east");
		assertThat(routes.clusterOf(new ConsumerRecord<>("tasks.__delay.1s", 0, 0, null, new byte[0]), "other"))
			.isEqualTo("east");
	}

	@Test
	void whenTheQueueIsRoutedToAClusterWithoutAPublisherThenTheRecordStays() {
		TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.KAFKA), java.util.Set.of("east", "west"));
		router.update((rules) -> rules.withQueue("orders",
				new Route(Backend.KAFKA, "west", null, null, OnUnavailable.FAIL)));
		assertThat(new DelayRoutes("default", router, this.publishers).clusterOf(record("t-1", null), "orders"))
			.isEqualTo("default");
	}

	@Test
	void whenARecordWrittenInATransactionIsRoutedElsewhereThenItGoesToTheFirstTierDueAtOnceWithItsTask() {
		DelayTiers tiers = new DelayTiers("tasks.", List.of(Duration.ofSeconds(1), Duration.ofSeconds(10)));
		DelayRoutes routes = new DelayRoutes("default", this.router, this.publishers);
		ProducerRecord<String, byte[]> record = new ProducerRecord<>("tasks.orders", null, "key", new byte[] { 1 });
		record.headers().add("kafka-task-redrive-count", new byte[] { '1' });
		Instant now = Instant.parse("2026-12-04T10:00:00Z");
		assertThat(routes.routed(record, "it.add", "t-1", "orders", tiers, now)).as("routed here").isSameAs(record);
		this.router.update((rules) -> rules.withQueue("orders",
				new Route(Backend.KAFKA, "east", null, null, OnUnavailable.FAIL)));
		ProducerRecord<String, byte[]> delayed = routes.routed(record, "it.add", "t-1", "orders", tiers, now);
		assertThat(delayed.topic()).isEqualTo(tiers.topic(Duration.ofSeconds(1)));
		assertThat(delayed.key()).isEqualTo("key");
		assertThat(delayed.value()).containsExactly(1);
		assertThat(header(delayed, DelayedTaskPublisher.TARGET)).isEqualTo("tasks.orders");
		assertThat(header(delayed, DelayedTaskPublisher.DUE)).isEqualTo(Long.toString(now.toEpochMilli()));
		assertThat(header(delayed, TaskHeaders.TASK_ID)).isEqualTo("t-1");
		assertThat(header(delayed, TaskHeaders.TASK_NAME)).isEqualTo("it.add");
		assertThat(header(delayed, "kafka-task-redrive-count")).isEqualTo("1");
		ConsumerRecord<String, byte[]> read = new ConsumerRecord<>(delayed.topic(), 0, 0, delayed.key(), delayed.value());
		delayed.headers().forEach((header) -> read.headers().add(header));
		assertThat(routes.clusterOf(read, "orders")).as("where the forwarder sends it").isEqualTo("east");
	}

	private static String header(ProducerRecord<String, byte[]> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

	private static ConsumerRecord<String, byte[]> record(String taskId, String key) {
		ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("tasks.__delay.1s", 0, 0, key, new byte[0]);
		record.headers().add(TaskHeaders.TASK_ID, taskId.getBytes(StandardCharsets.UTF_8));
		record.headers().add(TaskHeaders.TASK_NAME, "it.add".getBytes(StandardCharsets.UTF_8));
		return record;
	}

	private static DelayedTaskPublisher publisher() {
		MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
				new ByteArraySerializer());
		return new DelayedTaskPublisher(new KafkaTemplate<>(new MockProducerFactory<>(() -> producer)),
				new DelayTiers("tasks.", List.of(Duration.ofSeconds(1))), Clock.systemUTC());
	}

}
