package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.rabbit.RabbitDeadLetters;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.SharedRabbitMq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad Celery messages of every kind published to a RabbitMQ queue a live worker consumes
 * (wrong headers, pickle, bad JSON, bad eta, out-of-range options): each ends in
 * {@code <queue>.dlq} with its reason, the good messages around them run once each, and
 * every message ends acknowledged: stopping the consumer gives none back to the queue.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SharedRabbitMq
class PoisonMessagesIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final TaskApplications apps = new TaskApplications();

	private final String queue = this.apps.prefix() + "celery";

	private final RabbitTestQueues rabbit = new RabbitTestQueues(this.queue);

	@AfterEach
	void deleteQueues() {
		this.rabbit.close();
	}

	@Test
	void whenMessagesArePoisonThenEachIsDeadLetteredWithItsReasonAndEveryMessageIsAcknowledged() throws Exception {
		Map<String, Poison> poisons = poisons();
		try (ConfigurableApplicationContext app = this.apps.start(
				"kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq",
				"kafka-task.rabbitmq.queues=" + this.queue)) {
			RabbitTemplate template = this.rabbit.template();
			int good = 0;
			for (Map.Entry<String, Poison> poison : poisons.entrySet()) {
				Message message = poison.getValue().message();
				message.getMessageProperties().setCorrelationId(poison.getKey());
				template.send("", this.queue, message);
				template.send("", this.queue, celery("[[" + good + "], {}, {}]", Map.of("task", "it.count", "id",
						"good-" + good)));
				good++;
			}
			// A rate-limit slot that is not one, in a header anybody can write: no reason not to run.
			template.send("", this.queue, celery("[[1000], {}, {}]",
					Map.of("task", "it.count", "id", "garbled", "kafka-task-rate-slot", "soon")));
			int goodMessages = good;
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == goodMessages + 1);
			for (int i = 0; i < goodMessages; i++) {
				assertThat(this.apps.journal().runs("count:" + i)).as("runs of good message %d", i).isEqualTo(1);
			}
			List<Message> deadLetters = new ArrayList<>();
			await().atMost(TIMEOUT).until(() -> {
				Message received = template.receive(this.queue + ".dlq");
				if (received != null) {
					deadLetters.add(received);
				}
				return deadLetters.size() == poisons.size();
			});
			assertThat(deadLetters).allSatisfy((message) -> {
				assertThat(message.getMessageProperties().getReceivedDeliveryMode())
					.as("dead letters are kept until someone looks")
					.isEqualTo(MessageDeliveryMode.PERSISTENT);
				assertThat(message.getMessageProperties().getExpiration()).isNull();
			});
			Map<String, String> reasons = new HashMap<>();
			deadLetters.forEach((message) -> reasons.put(message.getMessageProperties().getCorrelationId(),
					message.getMessageProperties().getHeader(RabbitDeadLetters.REASON)));
			Map<String, String> expected = new HashMap<>();
			poisons.forEach((kind, poison) -> expected.put(kind, poison.reason()));
			assertThat(reasons).isEqualTo(expected);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(meters.find("kafka.task.dead.letters")
				.tag("backend", "rabbitmq")
				.counters()
				.stream()
				.mapToDouble((counter) -> counter.count())
				.sum()).isEqualTo(poisons.size()));
			// Unacknowledged messages would go back to the queue when its consumer stops.
			app.getBean(TaskConsumers.class).consumer(Backend.RABBITMQ, this.queue).stop();
			QueueInformation info = this.rabbit.admin().getQueueInfo(this.queue);
			assertThat(info).isNotNull();
			assertThat(info.getMessageCount()).as("messages left unacknowledged").isZero();
		}
	}

	private static Map<String, Poison> poisons() {
		Map<String, Poison> poisons = new LinkedHashMap<>();
		invalid(poisons, "not-json", message("not json", "application/json", task("nj")));
		invalid(poisons, "pickle", message("\u0080\u0004pickle", "application/x-python-serialize", task("pk")));
		invalid(poisons, "no-content-type", message("[[1], {}, {}]", "", task("nc")));
		invalid(poisons, "body-object", celery("{\"a\":1}", task("bo")));
		invalid(poisons, "body-two-elements", celery("[[1], {}]", task("bt")));
		invalid(poisons, "args-object", celery("[{}, {}, {}]", task("ao")));
		invalid(poisons, "kwargs-array", celery("[[1], [], {}]", task("ka")));
		invalid(poisons, "no-task-header", celery("[[1], {}, {}]", Map.of("id", "nt")));
		invalid(poisons, "id-number", celery("[[1], {}, {}]", Map.of("task", "it.count", "id", 5)));
		invalid(poisons, "eta-garbage", celery("[[1], {}, {}]", with(task("eg"), "eta", "tomorrow")));
		invalid(poisons, "eta-year-10000", celery("[[1], {}, {}]", with(task("ey"), "eta", "10000-01-01T00:00:00")));
		invalid(poisons, "expires-garbage", celery("[[1], {}, {}]", with(task("xg"), "expires", "never")));
		invalid(poisons, "retries-negative", celery("[[1], {}, {}]", with(task("rn"), "retries", -1)));
		invalid(poisons, "timelimit-text", celery("[[1], {}, {}]", with(task("tt"), "timelimit", "soon")));
		invalid(poisons, "timelimit-negative",
				celery("[[1], {}, {}]", with(task("ti"), "timelimit", List.of(-1, 1))));
		invalid(poisons, "shadow-number", celery("[[1], {}, {}]", with(task("sn"), "shadow", 5)));
		invalid(poisons, "ignore-result-text", celery("[[1], {}, {}]", with(task("ir"), "ignore_result", "no")));
		invalid(poisons, "compressed", celery("[[1], {}, {}]", with(task("cz"), "compression", "gzip")));
		invalid(poisons, "protocol-1", celery("{\"task\":\"it.count\",\"id\":\"p1\",\"args\":[1]}", Map.of()));
		poisons.put("unknown-task", new Poison(celery("[[1], {}, {}]", Map.of("task", "no.such.task", "id", "ut")),
				"unknown-task"));
		poisons.put("wrong-type", new Poison(celery("[[\"x\"], {}, {}]", task("wt")), "invalid-arguments"));
		poisons.put("too-many-args", new Poison(celery("[[1, 2], {}, {}]", task("tm")), "invalid-arguments"));
		return poisons;
	}

	private static Map<String, Object> task(String id) {
		return Map.of("task", "it.count", "id", id, "lang", "py");
	}

	private static Map<String, Object> with(Map<String, Object> headers, String name, Object value) {
		Map<String, Object> copy = new HashMap<>(headers);
		copy.put(name, value);
		return copy;
	}

	private static void invalid(Map<String, Poison> poisons, String kind, Message message) {
		poisons.put(kind, new Poison(message, "invalid-envelope"));
	}

	private static Message celery(String body, Map<String, Object> headers) {
		return message(body, "application/json", headers);
	}

	private static Message message(String body, String contentType, Map<String, Object> headers) {
		MessageProperties properties = new MessageProperties();
		if (!contentType.isEmpty()) {
			properties.setContentType(contentType);
			properties.setContentEncoding("utf-8");
		}
		else {
			properties.setContentType(null);
		}
		headers.forEach(properties::setHeader);
		return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
	}

	record Poison(Message message, String reason) {
	}

}
