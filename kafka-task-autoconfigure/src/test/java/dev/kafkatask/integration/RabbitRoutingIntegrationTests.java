package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.rabbit.RabbitDeadLetters;
import dev.kafkatask.rabbit.RabbitPublishException;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.SharedRabbitMq;
import dev.kafkatask.test.TestRabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the router and the RabbitMQ leg, on the shared RabbitMQ ({@link TestRabbit})
 * and the shared Kafka broker. Each test uses queues of its
 * own and deletes them afterwards.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SharedRabbitMq
class RabbitRoutingIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	private final String queue = this.apps.prefix() + "celery";

	private final RabbitTestQueues rabbit = new RabbitTestQueues(this.queue);

	@AfterEach
	void deleteQueues() {
		this.rabbit.close();
	}

	@Test
	void whenEtaIsSecondsAheadThenTheMessageWaitsInADelayTierAndTheConsumerGoesOn() throws Exception {
		// One consumer: a consumer holding the message until its eta would hold up the next one.
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue(),
				"kafka-task.rabbitmq.concurrency=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			Instant before = Instant.now();
			dispatcher.dispatch("it.count", List.of(1), Map.of(),
					TaskOptions.none().withQueue(this.queue).withCountdown(Duration.ofSeconds(4))).get();
			dispatcher.dispatch("it.count", List.of(2), Map.of(), TaskOptions.none().withQueue(this.queue)).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:2") == 1);
			assertThat(this.apps.journal().runs("count:1")).as("still waiting for its eta").isZero();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:1") == 1);
			Instant ran = this.apps.journal().runTimes("count:1").get(0);
			assertThat(ran).isAfterOrEqualTo(before.plusSeconds(4).minusMillis(50))
				.isBefore(before.plusSeconds(4).plusSeconds(3));
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.executions").tags("task", "it.count", "outcome", "deferred").counter()
				.count()).isGreaterThanOrEqualTo(1);
			awaitQueueEmpty(this.queue);
		}
	}

	@Test
	void whenQueueIsRoutedToRabbitThenTheTaskRunsFromRabbitAndIsAcknowledged() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue())) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("it.context", List.of("a", 1), Map.of("k", true), TaskOptions.none().withQueue(this.queue))
				.get();
			assertThat(receipt.backend()).isEqualTo(Backend.RABBITMQ);
			assertThat(receipt.destination()).isEqualTo(this.queue);
			await().atMost(TIMEOUT)
				.until(() -> this.apps.journal().runs(
						"context:rabbitmq:" + receipt.taskId() + ":[a, 1]:{k=true}:eta=null:expires=null") == 1);
			awaitQueueEmpty(this.queue);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.rabbitmq.publishes").tags("queue", this.queue, "outcome", "confirmed")
				.counter()
				.count()).isEqualTo(1);
			assertThat(meters.get("kafka.task.dispatched").tags("task", "it.context", "backend", "rabbitmq").counter()
				.count()).isEqualTo(1);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(meters.find("kafka.task.executions")
					.tags("task", "it.context", "backend", "rabbitmq", "outcome", "success")
					.counters()).singleElement().extracting(Counter::count).isEqualTo(1.0));
			assertThat(meters.get("kafka.task.queue.time").tags("task", "it.context", "backend", "rabbitmq").timer()
				.count()).isEqualTo(1);
			assertThat(meters.get("kafka.task.in.flight").tags("backend", "rabbitmq", "queue", this.queue).gauge()
				.value()).isZero();
		}
	}

	@Test
	void whenNoRuleMatchesThenTheTaskGoesToKafka() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit())) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class).dispatch("it.context", "b").get();
			assertThat(receipt.backend()).isEqualTo(Backend.KAFKA);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().entries().stream()
				.anyMatch((entry) -> entry.startsWith("context:kafka:" + receipt.taskId())));
		}
	}

	@Test
	void whenQueueDoesNotExistThenTheDispatchFailsAsUnroutable() {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(),
				"kafka-task.rabbitmq.declare-queues=false")) {
			CompletableFuture<DispatchReceipt> sent = app.getBean(TaskDispatcher.class)
				.dispatch("it.context", List.of(), Map.of(), TaskOptions.none().withQueue(this.queue));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(sent::get)
				.withCauseInstanceOf(RabbitPublishException.class)
				.withMessageContaining("unroutable")
				.withMessageContaining("no queue '" + this.queue + "'");
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.rabbitmq.publishes").tags("queue", this.queue, "outcome", "returned")
				.counter()
				.count()).isEqualTo(1);
			assertThat(meters.get("kafka.task.dispatch.failures")
				.tags("backend", "rabbitmq", "exception", "RabbitPublishException")
				.counter()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void whenMessagesAreNotRunnableTasksThenTheyAreDeadLetteredWithTheReasonAndTheConsumerGoesOn()
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue())) {
			RabbitTemplate template = this.rabbit.template();
			template.send("", this.queue, message("not json", "application/json", Map.of()));
			template.send("", this.queue, message("\u0080\u0004pickle", "application/x-python-serialize",
					Map.of("task", "it.context", "id", "p-1")));
			template.send("", this.queue, message("[[], {}, {}]", "application/json",
					Map.of("task", "no.such.task", "id", "u-1", "lang", "py")));
			template.send("", this.queue, message("[[\"x\"], {}, {}]", "application/json",
					Map.of("task", "it.count", "id", "a-1", "lang", "py")));
			DispatchReceipt valid = app.getBean(TaskDispatcher.class)
				.dispatch("it.context", List.of("after"), Map.of(), TaskOptions.none().withQueue(this.queue))
				.get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().entries().stream()
				.anyMatch((entry) -> entry.startsWith("context:rabbitmq:" + valid.taskId())));
			List<Message> deadLetters = new ArrayList<>();
			await().atMost(TIMEOUT).until(() -> {
				Message received = template.receive(this.queue + ".dlq");
				if (received != null) {
					deadLetters.add(received);
				}
				return deadLetters.size() == 4;
			});
			assertThat(deadLetters).extracting((message) -> (String) message.getMessageProperties()
				.getHeader(RabbitDeadLetters.REASON))
				.containsExactlyInAnyOrder("invalid-envelope", "invalid-envelope", "unknown-task", "invalid-arguments");
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(meters.find("kafka.task.executions")
				.tags("backend", "rabbitmq", "queue", this.queue, "outcome", "dead_lettered")
				.counters()).extracting((counter) -> counter.getId().getTag("task") + "=" + counter.count())
				.containsExactlyInAnyOrder("unknown=3.0", "it.count=1.0"));
			assertThat(deadLetters).allSatisfy((message) -> {
				assertThat((String) message.getMessageProperties().getHeader(RabbitDeadLetters.MESSAGE)).isNotBlank();
				assertThat((String) message.getMessageProperties().getHeader(RabbitDeadLetters.ORIGINAL_QUEUE))
					.isEqualTo(this.queue);
			});
			awaitQueueEmpty(this.queue);
		}
	}

	@Test
	void whenRouteChangesThroughTheEndpointThenTheNextDispatchTakesTheNewBackend() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(consumeQueue(),
				"kafka-task.kafka.queues=" + this.queue, "management.endpoints.web.exposure.include=kafkatasks")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			TaskOptions options = TaskOptions.none().withQueue(this.queue);
			assertThat(dispatcher.dispatch("it.context", List.of(), Map.of(), options).get().backend())
				.isEqualTo(Backend.KAFKA);
			endpoint.route("queue", this.queue, "rabbitmq", null, null, null, null, null, null);
			assertThat(endpoint.kafkaTasks().routing().queues().get(this.queue).backend()).isEqualTo("rabbitmq");
			DispatchReceipt toRabbit = dispatcher.dispatch("it.context", List.of(), Map.of(), options).get();
			assertThat(toRabbit.backend()).isEqualTo(Backend.RABBITMQ);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().entries().stream()
				.anyMatch((entry) -> entry.startsWith("context:rabbitmq:" + toRabbit.taskId())));
			endpoint.route("queue", this.queue, null, null, null, null, null, null, null);
			assertThat(dispatcher.dispatch("it.context", List.of(), Map.of(), options).get().backend())
				.isEqualTo(Backend.KAFKA);
		}
	}

	@Test
	void whenRuleAsksForAShadowCopyThenBothBackendsRunTheTask() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue(),
				"kafka-task.routing.queues.[" + this.queue + "].shadow=kafka",
				"kafka-task.worker.queues=" + this.queue)) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("it.context", List.of("s"), Map.of(), TaskOptions.none().withQueue(this.queue))
				.get();
			assertThat(receipt.backend()).isEqualTo(Backend.RABBITMQ);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.apps.journal().entries())
				.filteredOn((entry) -> entry.contains(":" + receipt.taskId() + ":"))
				.extracting((entry) -> entry.split(":")[1])
				.containsExactlyInAnyOrder("rabbitmq", "kafka"));
		}
	}

	@Test
	void whenConsumerIsDrainedThenItTakesWhatIsLeftAndStopsAndTheQueueDepthShowsWhatWaited() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue(),
				"kafka-task.metrics.refresh-interval=200ms")) {
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			TaskConsumer consumer = app.getBean(TaskConsumers.class).consumer(Backend.RABBITMQ, this.queue);
			assertThat(consumer.state()).isEqualTo(ConsumerState.RUNNING);
			consumer.pause();
			assertThat(consumer.state()).isEqualTo(ConsumerState.PAUSED);
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			for (int i = 0; i < 20; i++) {
				dispatcher.dispatch("it.count", List.of(i), Map.of(), TaskOptions.none().withQueue(this.queue)).get();
			}
			assertThat(this.rabbit.depth(this.queue)).isEqualTo(20);
			assertThat(this.apps.journal().distinctRuns()).isZero();
			assertThat(consumer.backlog()).isEqualTo(20);
			await().atMost(TIMEOUT).until(() -> depth(meters) == 20);
			consumer.drain();
			await().atMost(TIMEOUT).until(() -> consumer.state() == ConsumerState.STOPPED);
			assertThat(this.apps.journal().distinctRuns()).isEqualTo(20);
			assertThat(this.rabbit.depth(this.queue)).isZero();
			await().atMost(TIMEOUT).until(() -> depth(meters) == 0);
		}
	}

	@Test
	void whenJavaDispatchCarriesEtaAndExpiresThenTheyArriveWithTheTask() throws Exception {
		Instant eta = Instant.parse("2026-01-02T03:04:05.123Z");
		Instant expires = Instant.parse("2036-01-02T03:04:05Z");
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue())) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("it.context", List.of(), Map.of(),
						TaskOptions.none().withQueue(this.queue).withEta(eta).withExpires(expires))
				.get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("context:rabbitmq:" + receipt.taskId()
					+ ":[]:{}:eta=" + eta + ":expires=" + expires) == 1);
		}
	}

	@Test
	void whenRabbitTaskHasAnEtaThenTheConsumerWaitsForIt() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue())) {
			Instant eta = Instant.now().plusSeconds(2);
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(41), Map.of(), TaskOptions.none().withQueue(this.queue).withEta(eta))
				.get();
			assertThat(receipt.backend()).isEqualTo(Backend.RABBITMQ);
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofMillis(1500))
				.until(() -> this.apps.journal().runs("count:41") == 0);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:41") == 1);
			assertThat(Instant.now()).isAfterOrEqualTo(eta);
		}
	}

	private double depth(MeterRegistry meters) {
		return meters.get("kafka.task.rabbitmq.queue.depth").tag("queue", this.queue).gauge().value();
	}

	private String routeQueueToRabbit() {
		return "kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq";
	}

	private String consumeQueue() {
		return "kafka-task.rabbitmq.queues=" + this.queue;
	}

	private void awaitQueueEmpty(String name) {
		await().atMost(TIMEOUT).until(() -> this.rabbit.depth(name) == 0);
	}

	private static Message message(String body, String contentType, Map<String, Object> headers) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(contentType);
		properties.setContentEncoding("utf-8");
		headers.forEach(properties::setHeader);
		return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
	}

}
