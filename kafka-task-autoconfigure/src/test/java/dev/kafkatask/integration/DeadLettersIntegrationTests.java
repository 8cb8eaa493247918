package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.kafka.deadletter.DeadLetter;
import dev.kafkatask.kafka.deadletter.DeadLetterFilter;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.DeadLetters;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters of two reasons listed with each filter, dry-run, redriven in part (the tasks
 * run again) and redriven again (nothing runs twice, from this instance or another), on the
 * shared broker; and bad arguments refused with messages that say why.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class DeadLettersIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final DeadLetterFilter FAILED = DeadLetterFilter.all()
		.withReasons(DeadLetterReason.MAX_RETRIES_EXCEEDED);

	private static final DeadLetterFilter UNKNOWN = DeadLetterFilter.all().withReasons(DeadLetterReason.UNKNOWN_TASK);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenDeadLettersAreRedrivenThenTheirTasksRunAgainAndARedriveAgainSendsNothingTwice() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(new Class<?>[] { FragileTasks.class })) {
			DeadLetters deadLetters = app.getBean(DeadLetters.class);
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			String a1 = dispatcher.dispatch("it.fragile", "a1").get().taskId();
			String a2 = dispatcher.dispatch("it.fragile", "a2").get().taskId();
			dispatcher.dispatch("it.fragile", "a3").get();
			await().atMost(TIMEOUT).until(() -> list(deadLetters, DeadLetterFilter.all()).deadLetters().size() == 3);
			Thread.sleep(50);
			Instant between = Instant.now();
			Thread.sleep(50);
			try (KafkaProducer<byte[], byte[]> producer = producer()) {
				for (String id : List.of("u1", "u2")) {
					producer.send(new ProducerRecord<>(this.apps.topic("default"), id.getBytes(StandardCharsets.UTF_8),
							PoisonRecordsIntegrationTests.envelope(id, "it.missing", "[1]", "{}", "")
								.getBytes(StandardCharsets.UTF_8)))
						.get();
				}
			}
			await().atMost(TIMEOUT).until(() -> list(deadLetters, DeadLetterFilter.all()).deadLetters().size() == 5);

			// list, with each filter
			DeadLetterList failed = list(deadLetters, FAILED);
			assertThat(failed.complete()).isTrue();
			assertThat(failed.deadLetters()).hasSize(3).allSatisfy((deadLetter) -> {
				assertThat(deadLetter.task()).isEqualTo("it.fragile");
				assertThat(deadLetter.topic()).isEqualTo(this.apps.topic("default") + ".dlt");
				assertThat(deadLetter.attempts()).isOne();
				assertThat(deadLetter.redriveCount()).isZero();
				assertThat(deadLetter.redrivenAt()).isNull();
				assertThat(deadLetter.message()).startsWith("broken ");
			});
			assertThat(list(deadLetters, UNKNOWN).deadLetters()).extracting(DeadLetter::taskId)
				.containsExactlyInAnyOrder("u1", "u2");
			assertThat(list(deadLetters, UNKNOWN).deadLetters()).allSatisfy((deadLetter) -> {
				assertThat(deadLetter.task()).isEqualTo("it.missing");
				assertThat(deadLetter.attempts()).isZero();
			});
			assertThat(list(deadLetters, DeadLetterFilter.all().withTasks("it.fragile")).deadLetters()).hasSize(3);
			assertThat(list(deadLetters, DeadLetterFilter.all().between(between, null)).deadLetters())
				.extracting(DeadLetter::taskId)
				.containsExactlyInAnyOrder("u1", "u2");
			assertThat(list(deadLetters, DeadLetterFilter.all().between(null, between)).deadLetters()).hasSize(3)
				.allSatisfy((deadLetter) -> assertThat(deadLetter.task()).isEqualTo("it.fragile"));
			assertThat(list(deadLetters, DeadLetterFilter.all().withTaskIds(a2)).deadLetters())
				.extracting(DeadLetter::taskId)
				.containsExactly(a2);
			DeadLetterList two = deadLetters.list("default", DeadLetterFilter.all(), 2);
			assertThat(two.deadLetters()).hasSize(2);
			assertThat(two.complete()).isFalse();

			// a dry run sends nothing
			RedriveResult dryRun = deadLetters.redrive("default", FAILED, true);
			assertThat(dryRun.dryRun()).isTrue();
			assertThat(dryRun.redriven()).hasSize(3);
			assertThat(dryRun.skipped()).isEmpty();
			Thread.sleep(500);
			assertThat(this.apps.journal().runs("fragile:a1")).isOne();
			assertThat(list(deadLetters, FAILED).deadLetters()).allSatisfy(
					(deadLetter) -> assertThat(deadLetter.redrivenAt()).isNull());

			// the cause is fixed: redrive two of them
			app.getBean(FragileTasks.class).broken.set(false);
			DeadLetterFilter twoOfThem = FAILED.withTasks("it.fragile").withTaskIds(a1, a2);
			RedriveResult redriven = deadLetters.redrive("default", twoOfThem, false);
			assertThat(redriven.dryRun()).isFalse();
			assertThat(redriven.redriven()).extracting(DeadLetter::taskId).containsExactlyInAnyOrder(a1, a2);
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(this.apps.journal().runs("fragile:a1")).isEqualTo(2);
				assertThat(this.apps.journal().runs("fragile:a2")).isEqualTo(2);
			});

			// again, by mistake: nothing goes
			RedriveResult again = deadLetters.redrive("default", twoOfThem, false);
			assertThat(again.redriven()).isEmpty();
			assertThat(again.skipped()).hasSize(2)
				.allSatisfy((skipped) -> assertThat(skipped.reason())
					.isEqualTo(RedriveResult.SkipReason.ALREADY_REDRIVEN));
			assertThat(list(deadLetters, twoOfThem).deadLetters())
				.allSatisfy((deadLetter) -> assertThat(deadLetter.redrivenAt()).isNotNull());
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.redrives").tags("queue", "default", "backend", "kafka", "outcome",
					"redriven").counter().count()).isEqualTo(2);
			assertThat(meters.get("kafka.task.redrives").tags("queue", "default", "backend", "kafka", "outcome",
					"skipped").counter().count()).isEqualTo(2);

			// nor from another instance, which knows only what is in Kafka
			try (ConfigurableApplicationContext other = this.apps.start("kafka-task.worker.enabled=false")) {
				DeadLetters elsewhere = other.getBean(DeadLetters.class);
				assertThat(elsewhere.redrive("default", twoOfThem, false).redriven()).isEmpty();
				RedriveResult wouldGo = elsewhere.redrive("default", FAILED, true);
				assertThat(wouldGo.redriven()).extracting(DeadLetter::task).containsExactly("it.fragile");
				assertThat(wouldGo.redriven().get(0).taskId()).isNotIn(a1, a2);
				assertThat(wouldGo.skippedCount()).isEqualTo(2);
			}
			Thread.sleep(1000);
			assertThat(this.apps.journal().runs("fragile:a1")).isEqualTo(2);
			assertThat(this.apps.journal().runs("fragile:a2")).isEqualTo(2);
			assertThat(this.apps.journal().runs("fragile:a3")).isOne();

			// a task that fails again after its redrive is a new dead letter, one redrive on
			RedriveResult unknown = deadLetters.redrive("default", UNKNOWN, false);
			assertThat(unknown.redriven()).hasSize(2);
			await().atMost(TIMEOUT).until(() -> list(deadLetters, UNKNOWN).deadLetters().size() == 4);
			assertThat(list(deadLetters, UNKNOWN).deadLetters()).extracting(DeadLetter::redriveCount)
				.containsExactlyInAnyOrder(0, 0, 1, 1);
			RedriveResult newOnes = deadLetters.redrive("default", UNKNOWN, true);
			assertThat(newOnes.redriven()).extracting(DeadLetter::redriveCount).containsExactly(1, 1);
			assertThat(newOnes.skippedCount()).isEqualTo(2);
		}
	}

	@Test
	void whenArgumentsAreBadThenTheyAreRefusedWithWhy() {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.enabled=false",
				"management.endpoints.web.exposure.include=kafkatasks")) {
			DeadLetters deadLetters = app.getBean(DeadLetters.class);
			// over the endpoint: the same refusals, as 400s
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(
						() -> endpoint.detail("deadletters", "nope", null, null, null, null, null, null, null, null))
				.withMessageStartingWith("Unknown queue 'nope'");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.detail("deadletters", "default", "no-such-reason", null, null, null, null,
						null, null, null))
				.withMessageContaining("no-such-reason");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.change("redrive", "default", null, null, null, null, null, null, null, null, null, null,
						"yesterday", null, true, null))
				.withMessageContaining("yesterday");
			assertThat(endpoint.change("redrive", "default", null, null, null, null, null, null, null, null, null, null,
					null, null, true, null))
				.isInstanceOfSatisfying(RedriveResult.class, (result) -> assertThat(result.redriven()).isEmpty());
			assertThatIllegalArgumentException().isThrownBy(() -> deadLetters.list("nope", DeadLetterFilter.all(), 10))
				.withMessageStartingWith("Unknown queue 'nope': name a queue of this application");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> deadLetters.redrive("nope", DeadLetterFilter.all(), true))
				.withMessageStartingWith("Unknown queue 'nope'");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> deadLetters.redrive("default.dlt", DeadLetterFilter.all(), false))
				.withMessageStartingWith("Unknown queue 'default.dlt'");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> deadLetters.list("default", DeadLetterFilter.all(), -1))
				.withMessage("'limit' must be between 1 and 1000: -1");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> DeadLetterFilter.parse(null, null, null, "2026-02-01T00:00:00Z",
						"2026-01-01T00:00:00Z"))
				.withMessage("Time range is empty: 'from' (2026-02-01T00:00:00Z) must be before 'to' "
						+ "(2026-01-01T00:00:00Z)");
			// a known queue with no dead letters yet: none, and no topic created for them
			assertThat(deadLetters.list("default", DeadLetterFilter.all(), 10).deadLetters()).isEmpty();
		}
	}

	private static DeadLetterList list(DeadLetters deadLetters, DeadLetterFilter filter) {
		return deadLetters.list("default", filter, 100);
	}

	private static KafkaProducer<byte[], byte[]> producer() {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
				new ByteArraySerializer(), new ByteArraySerializer());
	}

	/**
	 * A task that fails while it is broken, and is not retried: dead-lettered
	 * {@code max-retries-exceeded} at once.
	 */
	static class FragileTasks {

		final AtomicBoolean broken = new AtomicBoolean(true);

		private final TaskJournal journal;

		FragileTasks(TaskJournal journal) {
			this.journal = journal;
		}

		@KafkaTask(name = "it.fragile", options = { "autoretry_for=java.lang.IllegalStateException", "max_retries=0" })
		public void fragile(String id) {
			this.journal.ran("fragile:" + id);
			if (this.broken.get()) {
				throw new IllegalStateException("broken " + id);
			}
		}

	}

}
