package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.kafka.deadletter.DeadLetter;
import dev.kafkatask.kafka.deadletter.DeadLetterFilter;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.rabbit.RabbitDeadLetterQueues;
import dev.kafkatask.rabbit.RabbitDeadLetters;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.SharedRabbitMq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The RabbitMQ leg's dead letters ({@code <queue>.dlq}) of three reasons, dead-lettered by a
 * live worker, listed with each filter (and left where they were), dry-run, redriven in part
 * (the tasks run once more) and redriven again (nothing goes twice), with the rest left in the
 * dead-letter queue in full; on the shared RabbitMQ. And bad arguments refused with messages
 * that say why, directly and over the endpoint.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SharedRabbitMq
class RabbitDeadLettersIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final DeadLetterFilter FAILED = DeadLetterFilter.all()
		.withReasons(DeadLetterReason.MAX_RETRIES_EXCEEDED);

	private static final DeadLetterFilter UNKNOWN = DeadLetterFilter.all().withReasons(DeadLetterReason.UNKNOWN_TASK);

	private final TaskApplications apps = new TaskApplications();

	private final String queue = this.apps.prefix() + "dlq-celery";

	private final String deadLetterQueue = this.queue + ".dlq";

	/**
	 * A queue the application routes to RabbitMQ but does not consume.
	 */
	private final String other = this.apps.prefix() + "dlq-other";

	private final RabbitTestQueues rabbit = new RabbitTestQueues(this.queue, this.other);

	@AfterEach
	void deleteQueues() {
		this.rabbit.close();
	}

	@Test
	void whenRabbitDeadLettersAreRedrivenThenTheirTasksRunOnceMoreAndARedriveAgainSendsNothing() {
		try (ConfigurableApplicationContext app = this.apps.start(
				new Class<?>[] { DeadLettersIntegrationTests.FragileTasks.class }, properties())) {
			RabbitDeadLetterQueues deadLetters = app.getBean(RabbitDeadLetterQueues.class);
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			RabbitTemplate template = this.rabbit.template();
			TaskOptions onQueue = TaskOptions.none().withQueue(this.queue);
			String a1 = dispatcher.dispatch("it.fragile", List.of("a1"), Map.of(), onQueue).join().taskId();
			String a2 = dispatcher.dispatch("it.fragile", List.of("a2"), Map.of(), onQueue).join().taskId();
			String a3 = dispatcher.dispatch("it.fragile", List.of("a3"), Map.of(), onQueue).join().taskId();
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.deadLetterQueue) == 3);
			// every dead letter after this instant was written at least a millisecond later
			Instant between = Instant.ofEpochMilli(System.currentTimeMillis() + 1);
			await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > between.toEpochMilli());
			template.send("", this.queue, celery("[[1], {}, {}]", "no.such.task", "u1"));
			template.send("", this.queue, celery("[[1], {}, {}]", "no.such.task", "u2"));
			template.send("", this.queue, celery("[[\"x\"], {}, {}]", "it.count", "bad-args"));
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.deadLetterQueue) == 6);
			List<DeadLetter> before = list(deadLetters, DeadLetterFilter.all()).deadLetters();

			// list, with each filter
			DeadLetterList failed = list(deadLetters, FAILED);
			assertThat(failed.complete()).isTrue();
			assertThat(failed.scanned()).isEqualTo(6);
			assertThat(failed.deadLetters()).extracting(DeadLetter::taskId).containsExactlyInAnyOrder(a1, a2, a3);
			assertThat(failed.deadLetters()).allSatisfy((deadLetter) -> {
				assertThat(deadLetter.task()).isEqualTo("it.fragile");
				assertThat(deadLetter.topic()).isEqualTo(this.deadLetterQueue);
				assertThat(deadLetter.partition()).isEqualTo(DeadLetter.NO_PARTITION);
				assertThat(deadLetter.attempts()).isOne();
				assertThat(deadLetter.redriveCount()).isZero();
				assertThat(deadLetter.redrivenAt()).isNull();
				assertThat(deadLetter.message()).startsWith("broken ");
				assertThat(deadLetter.deadLetteredAt()).isBefore(between);
			});
			assertThat(list(deadLetters, UNKNOWN).deadLetters()).extracting(DeadLetter::taskId)
				.containsExactlyInAnyOrder("u1", "u2");
			assertThat(list(deadLetters, UNKNOWN).deadLetters()).allSatisfy((deadLetter) -> {
				assertThat(deadLetter.task()).isEqualTo("no.such.task");
				assertThat(deadLetter.attempts()).isZero();
			});
			assertThat(list(deadLetters, DeadLetterFilter.all().withReasons(DeadLetterReason.INVALID_ARGUMENTS))
				.deadLetters()).extracting(DeadLetter::taskId).containsExactly("bad-args");
			assertThat(list(deadLetters, DeadLetterFilter.all().withTasks("it.fragile")).deadLetters()).hasSize(3);
			assertThat(list(deadLetters, DeadLetterFilter.all().withTaskIds(a2)).deadLetters())
				.extracting(DeadLetter::taskId)
				.containsExactly(a2);
			assertThat(list(deadLetters, DeadLetterFilter.all().between(between, null)).deadLetters())
				.extracting(DeadLetter::taskId)
				.containsExactlyInAnyOrder("u1", "u2", "bad-args");
			assertThat(list(deadLetters, DeadLetterFilter.all().between(null, between)).deadLetters())
				.extracting(DeadLetter::taskId)
				.containsExactlyInAnyOrder(a1, a2, a3);
			DeadLetterList two = deadLetters.list(this.queue, DeadLetterFilter.all(), 2);
			assertThat(two.deadLetters()).hasSize(2);
			assertThat(two.complete()).isFalse();
			// nothing lost, nothing moved
			assertThat(this.rabbit.depth(this.deadLetterQueue)).isEqualTo(6);
			assertThat(list(deadLetters, DeadLetterFilter.all()).deadLetters()).isEqualTo(before);

			// a dry run sends nothing, and a bounded one says there is more
			RedriveResult dryRun = deadLetters.redrive(this.queue, FAILED, true);
			assertThat(dryRun.dryRun()).isTrue();
			assertThat(dryRun.redriven()).extracting(DeadLetter::taskId).containsExactlyInAnyOrder(a1, a2, a3);
			assertThat(dryRun.skipped()).isEmpty();
			assertThat(dryRun.complete()).isTrue();
			deadLetters.setMaxRedriven(1);
			RedriveResult bounded = deadLetters.redrive(this.queue, FAILED, true);
			deadLetters.setMaxRedriven(10_000);
			assertThat(bounded.redriven()).hasSize(1);
			assertThat(bounded.complete()).isFalse();
			assertThat(this.rabbit.depth(this.deadLetterQueue)).isEqualTo(6);
			assertThat(list(deadLetters, DeadLetterFilter.all()).deadLetters()).isEqualTo(before);
			assertThat(this.apps.journal().runs("fragile:a1")).isOne();

			// the cause is fixed: redrive two of them
			app.getBean(DeadLettersIntegrationTests.FragileTasks.class).broken.set(false);
			DeadLetterFilter twoOfThem = FAILED.withTasks("it.fragile").withTaskIds(a1, a2);
			RedriveResult redriven = deadLetters.redrive(this.queue, twoOfThem, false);
			assertThat(redriven.dryRun()).isFalse();
			assertThat(redriven.redriven()).extracting(DeadLetter::taskId).containsExactlyInAnyOrder(a1, a2);
			assertThat(redriven.complete()).isTrue();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(this.apps.journal().runs("fragile:a1")).isEqualTo(2);
				assertThat(this.apps.journal().runs("fragile:a2")).isEqualTo(2);
			});

			// again, by mistake: nothing goes, for they left the dead-letter queue
			RedriveResult again = deadLetters.redrive(this.queue, twoOfThem, false);
			assertThat(again.redriven()).isEmpty();
			assertThat(again.skippedCount()).isZero();
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(
					() -> this.apps.journal().runs("fragile:a1") == 2 && this.apps.journal().runs("fragile:a2") == 2
							&& this.apps.journal().runs("fragile:a3") == 1);

			// the others stay, in full and in order
			assertThat(this.rabbit.depth(this.deadLetterQueue)).isEqualTo(4);
			List<DeadLetter> left = list(deadLetters, DeadLetterFilter.all()).deadLetters();
			assertThat(left).extracting(DeadLetter::taskId).containsExactlyInAnyOrder(a3, "u1", "u2", "bad-args");
			assertThat(left).usingRecursiveFieldByFieldElementComparatorIgnoringFields("offset")
				.containsExactlyElementsOf(before.stream()
					.filter((deadLetter) -> !List.of(a1, a2).contains(deadLetter.taskId()))
					.toList());
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.redrives")
				.tags("queue", this.queue, "backend", "rabbitmq", "outcome", "redriven")
				.counter()
				.count()).isEqualTo(2);

			// a redriven copy goes to the queue itself, without the dead-letter headers
			app.getBean(TaskConsumers.class).consumer(Backend.RABBITMQ, this.queue).pause();
			assertThat(deadLetters.redrive(this.queue, UNKNOWN, false).redriven()).hasSize(2);
			List<Message> copies = new ArrayList<>();
			await().atMost(TIMEOUT).until(() -> {
				Message copy = template.receive(this.queue);
				if (copy != null) {
					copies.add(copy);
				}
				return copies.size() == 2;
			});
			assertThat(copies).allSatisfy((copy) -> {
				MessageProperties properties = copy.getMessageProperties();
				assertThat(properties.getHeaders().keySet()).noneMatch((name) -> name.startsWith("kafka-task-dlt-"));
				assertThat(properties.<Object>getHeader("kafka-task-redrive-count")).isEqualTo("1");
				assertThat(properties.<Object>getHeader("task")).isEqualTo("no.such.task");
				assertThat(new String(copy.getBody(), StandardCharsets.UTF_8)).isEqualTo("[[1], {}, {}]");
			});
			assertThat(this.rabbit.depth(this.deadLetterQueue)).isEqualTo(2);

			// a task that fails again after its redrive is a new dead letter, one redrive on
			app.getBean(TaskConsumers.class).consumer(Backend.RABBITMQ, this.queue).start();
			copies.forEach((copy) -> template.send("", this.queue, copy));
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.deadLetterQueue) == 4);
			assertThat(list(deadLetters, UNKNOWN).deadLetters()).extracting(DeadLetter::taskId, DeadLetter::redriveCount)
				.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("u1", 1),
						org.assertj.core.groups.Tuple.tuple("u2", 1));
		}
	}

	@Test
	void whenArgumentsAreBadThenTheyAreRefusedWithWhy() {
		try (ConfigurableApplicationContext app = this.apps.start(properties())) {
			RabbitDeadLetterQueues deadLetters = app.getBean(RabbitDeadLetterQueues.class);
			for (String queue : List.of("nope", this.deadLetterQueue, "__delay", " ", "a\nb")) {
				assertThatIllegalArgumentException().isThrownBy(() -> deadLetters.list(queue, DeadLetterFilter.all(), 10))
					.withMessageContaining("queue");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> deadLetters.redrive(queue, DeadLetterFilter.all(), false));
			}
			assertThatIllegalArgumentException().isThrownBy(() -> deadLetters.list("nope", DeadLetterFilter.all(), 10))
				.withMessageStartingWith("Unknown queue 'nope': name a queue of this application");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> deadLetters.list(this.queue, DeadLetterFilter.all(), 0))
				.withMessage("'limit' must be between 1 and 1000: 0");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> deadLetters.list(this.queue, DeadLetterFilter.all(), 1001))
				.withMessage("'limit' must be between 1 and 1000: 1001");
			// a known queue with no dead letters yet: none
			DeadLetterList none = deadLetters.list(this.queue, DeadLetterFilter.all(), 10);
			assertThat(none.deadLetters()).isEmpty();
			assertThat(none.complete()).isTrue();
			assertThat(deadLetters.redrive(this.queue, DeadLetterFilter.all(), true).redriven()).isEmpty();
			// nor with no dead-letter queue at all: and none is made for a read
			assertThat(deadLetters.list(this.other, DeadLetterFilter.all(), 10).deadLetters()).isEmpty();
			assertThat(deadLetters.redrive(this.other, DeadLetterFilter.all(), true).complete()).isTrue();
			assertThat(this.rabbit.depth(this.other + ".dlq")).isEqualTo(-1);

			// over the endpoint: the same refusals, as 400s
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.detail("deadletters", "nope", null, null, null, null, null, null,
						"rabbitmq", null))
				.withMessageStartingWith("Unknown queue 'nope'");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.detail("deadletters", this.queue, null, null, null, null, null, 0,
						"rabbitmq", null))
				.withMessage("'limit' must be between 1 and 1000: 0");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.detail("deadletters", this.queue, null, null, null, null, null, null, "sqs",
						null))
				.withMessage("Unknown backend 'sqs': kafka or rabbitmq");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.change("redrive", this.queue, "rabbitmq", null, null, null, null, null, null, null,
						null, null, "yesterday", null, true, null))
				.withMessageContaining("yesterday");
			assertThat(endpoint.detail("deadletters", this.queue, null, null, null, null, null, null, "rabbitmq", null))
				.isInstanceOfSatisfying(DeadLetterList.class, (list) -> assertThat(list.deadLetters()).isEmpty());
			assertThat(endpoint.change("redrive", this.queue, "rabbitmq", null, null, null, null, null, null, null, null, null,
					null, null, true, null))
				.isInstanceOfSatisfying(RedriveResult.class, (result) -> assertThat(result.redriven()).isEmpty());
			assertThat(endpoint.kafkaTasks().deadLetterBackends()).containsExactly("kafka", "rabbitmq");
		}
	}

	@Test
	void whenTheEndpointRedrivesRabbitDeadLettersThenTheyGoAndKafkaStaysTheDefault() {
		try (ConfigurableApplicationContext app = this.apps.start(properties())) {
			RabbitTemplate template = this.rabbit.template();
			template.send("", this.queue, celery("[[1], {}, {}]", "no.such.task", "e1"));
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.deadLetterQueue) == 1);
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			Object listed = endpoint.detail("deadletters", this.queue, "unknown-task", null, "e1", null, null, 10,
					"rabbitmq", null);
			assertThat(listed).isInstanceOfSatisfying(DeadLetterList.class,
					(list) -> assertThat(list.deadLetters()).extracting(DeadLetter::taskId, DeadLetter::position)
						.containsExactly(org.assertj.core.groups.Tuple.tuple("e1", this.deadLetterQueue + "#0")));
			// without a backend, Kafka's: no dead letters there
			assertThat(endpoint.detail("deadletters", this.queue, null, null, null, null, null, null, null, null))
				.isInstanceOfSatisfying(DeadLetterList.class, (list) -> assertThat(list.deadLetters()).isEmpty());
			Object redriven = endpoint.change("redrive", this.queue, "rabbitmq", null, null, null, null, null, null,
					"unknown-task", null, "e1", null, null, false, null);
			assertThat(redriven).isInstanceOfSatisfying(RedriveResult.class,
					(result) -> assertThat(result.redriven()).extracting(DeadLetter::taskId).containsExactly("e1"));
			// it ran, failed again (still unknown) and is back, one redrive on
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(endpoint.deadLetters(this.queue, "rabbitmq", null,
					null, null, null, null, null, null).deadLetters()).extracting(DeadLetter::redriveCount).containsExactly(1));
			Counter skipped = app.getBean(MeterRegistry.class)
				.find("kafka.task.redrives")
				.tags("backend", "rabbitmq", "outcome", "skipped")
				.counter();
			assertThat(skipped).isNull();
		}
	}

	@Test
	void whenARedriveFailsHalfWayThenItSaysSoAndEveryDeadLetterItHeldIsBackWhereItWas() {
		try (ConfigurableApplicationContext app = this.apps.start(properties())) {
			RabbitDeadLetterQueues deadLetters = app.getBean(RabbitDeadLetterQueues.class);
			RabbitTemplate template = this.rabbit.template();
			for (String id : List.of("h1", "h2", "h3")) {
				template.send("", this.queue, celery("[[1], {}, {}]", "no.such.task", id));
			}
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.deadLetterQueue) == 3);
			List<DeadLetter> before = list(deadLetters, DeadLetterFilter.all()).deadLetters();
			// the queue is gone (and the leg thinks it declared it): RabbitMQ returns the copy
			app.getBean(TaskConsumers.class).consumer(Backend.RABBITMQ, this.queue).stop();
			this.rabbit.admin().deleteQueue(this.queue);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> deadLetters.redrive(this.queue, UNKNOWN, false))
				.withMessageStartingWith("Redrive of queue '" + this.queue + "' failed after 0 dead letters were "
						+ "redriven")
				.withMessageContaining("NO_ROUTE");
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.deadLetterQueue) == 3);
			assertThat(list(deadLetters, DeadLetterFilter.all()).deadLetters()).isEqualTo(before);
			assertThat(app.getBean(MeterRegistry.class).find("kafka.task.redrives").counters()).isEmpty();
		}
	}

	@Test
	void whenADeadLetterNamesOtherQueuesAndHasLongHeadersThenItsCopyGoesToItsQueueOnlyWithTheHeadersIntact() {
		try (ConfigurableApplicationContext app = this.apps.start(properties())) {
			RabbitDeadLetterQueues deadLetters = app.getBean(RabbitDeadLetterQueues.class);
			RabbitTemplate template = this.rabbit.template();
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.deadLetterQueue) == 0);
			// put there by something else, with RabbitMQ's sender-selected routing keys
			Message planted = celery("[[5], {}, {}]", "it.count", "cc-1");
			MessageProperties properties = planted.getMessageProperties();
			properties.setHeader("CC", List.of(this.other));
			properties.setHeader("BCC", List.of(this.other));
			properties.setHeader(RabbitDeadLetters.REASON, "unknown-task");
			properties.setHeader(RabbitDeadLetters.MESSAGE, "m".repeat(1500));
			properties.setHeader("note", "n".repeat(3000));
			template.send("", this.deadLetterQueue, planted);
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.deadLetterQueue) == 1);
			// the planting publish itself copied it to the other queue (once: RabbitMQ delivers a
			// publish to a queue once, however many of its routing keys name it)
			await().atMost(TIMEOUT).until(() -> this.rabbit.depth(this.other) == 1);
			DeadLetter listed = list(deadLetters, DeadLetterFilter.all()).deadLetters().get(0);
			assertThat(listed.message()).as("a header longer than 1,024 bytes, as text").isEqualTo("m".repeat(1500));
			RedriveResult redriven = deadLetters.redrive(this.queue, DeadLetterFilter.all(), false);
			assertThat(redriven.redriven()).extracting(DeadLetter::taskId).containsExactly("cc-1");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:5") == 1);
			assertThat(this.rabbit.depth(this.other)).as("copies routed by the dead letter's CC and BCC").isEqualTo(1);
			assertThat(this.rabbit.depth(this.deadLetterQueue)).isZero();
		}
	}

	private String[] properties() {
		return new String[] { "kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq",
				"kafka-task.routing.queues.[" + this.other + "].backend=rabbitmq",
				"kafka-task.rabbitmq.queues=" + this.queue,
				// its retry options are the worker's: the message need not carry them
				"kafka-task.tasks.[it.fragile].unsupported-options=ignore",
				"management.endpoints.web.exposure.include=kafkatasks",
				"management.endpoint.kafkatasks.access=unrestricted" };
	}

	private DeadLetterList list(RabbitDeadLetterQueues deadLetters, DeadLetterFilter filter) {
		return deadLetters.list(this.queue, filter, 100);
	}

	private static Message celery(String body, String task, String id) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType("application/json");
		properties.setContentEncoding("utf-8");
		properties.setHeader("task", task);
		properties.setHeader("id", id);
		properties.setHeader("lang", "py");
		properties.setCorrelationId(id);
		return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
	}

}
