package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.execution.RevokedTasks;
import dev.kafkatask.execution.TaskLifecycle;
import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.metrics.KafkaTaskMetrics;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.monitor.Revocation;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOwners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DelayForwarder}, on {@code MockConsumer}s over {@link MockDelayTopics} and
 * a template over a {@code MockProducer}.
 *
 * @author kafka-task
 */
class DelayForwarderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String DELAY_DEAD_LETTERS = "tasks.__delay.dlt";

	private final MockDelayTopics topics = new MockDelayTopics();

	private final TopicPartition tier = new TopicPartition("tasks.__delay.1s", 0);

	private final DelayTiers tiers = new DelayTiers("tasks.", List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)));

	private final TaskTopics taskTopics = new TaskTopics("tasks.");

	private final DelayTargets targets = new DelayTargets(this.taskTopics, this.tiers,
			Set.of("orders", "urgent")::contains, Set.of("urgent"));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final KafkaTaskMetrics metrics = new KafkaTaskMetrics(TaskOwners.none());

	private final RecordingTaskObserver observer = new RecordingTaskObserver(this.metrics);

	private DelayForwarder forwarder;

	@AfterEach
	void stopForwarder() {
		if (this.forwarder != null) {
			this.forwarder.stop();
		}
	}

	@Test
	void whenCommitFailsOnceThenTheForwarderGoesOnAndCommitsAfterForwarding() {
		this.topics.append(this.tier, past(), "tasks.orders", "it.count");
		this.topics.failCommits(1);
		start();
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 1);
		assertThat(this.topics.written("tasks.orders")).isNotEmpty();
		this.topics.append(this.tier, past(), "tasks.orders", "it.count");
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 2);
		assertThat(this.topics.written("tasks.orders")).extracting(ProducerRecord::key).contains("key-0", "key-1");
		assertThat(this.topics.consumersClosed()).as("the consumer whose commit failed is closed").isPositive();
		assertThat(this.observer.backgroundFailures()).containsExactly("delays");
		assertThat(this.registry.get("kafka.task.background.failures").tag("thread", "delays").counter().count())
			.isEqualTo(1);
	}

	@Test
	void whenSendThrowsSynchronouslyThenTheForwarderGoesOnAndForwardsTheRecordOnce() {
		this.topics.append(this.tier, past(), "tasks.orders", "it.count");
		this.topics.failSendsSynchronously(1);
		start();
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 1);
		assertThat(this.topics.written("tasks.orders")).hasSize(1);
		assertThat(this.topics.writtenAtCommits()).first().isEqualTo(1);
		assertThat(this.forwarder.isRunning()).isTrue();
	}

	@Test
	void whenDueOverflowsThenTheRecordIsDeadLetteredAsInvalidDelayAndLaterRecordsAreStillForwarded() {
		this.topics.append(this.tier, Long.toString(Long.MIN_VALUE), "tasks.orders", "it.count");
		this.topics.append(this.tier, past(), "tasks.orders", "it.count");
		start();
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 2);
		assertThat(this.topics.written("tasks.orders")).extracting(ProducerRecord::key).containsExactly("key-1");
		List<ProducerRecord<String, byte[]>> deadLetters = this.topics.written("tasks.orders.dlt");
		assertThat(deadLetters).hasSize(1);
		ProducerRecord<String, byte[]> deadLetter = deadLetters.get(0);
		assertThat(deadLetter.key()).isEqualTo("key-0");
		assertThat(header(deadLetter, TaskHeaders.DLT_REASON)).isEqualTo("invalid-delay");
		assertThat(header(deadLetter, TaskHeaders.DLT_MESSAGE)).contains("-9223372036854775808");
		assertThat(header(deadLetter, TaskHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("tasks.__delay.1s");
		assertThat(header(deadLetter, TaskHeaders.DLT_ORIGINAL_PARTITION)).isEqualTo("0");
		assertThat(header(deadLetter, TaskHeaders.DLT_ORIGINAL_OFFSET)).isEqualTo("0");
		assertThat(header(deadLetter, TaskHeaders.DLT_ORIGINAL_TIMESTAMP)).isNotBlank();
		assertThat(header(deadLetter, TaskHeaders.DLT_EXCEPTION)).isNotBlank();
		assertThat(this.observer.deadLetters()).containsExactly("unknown/orders/kafka/invalid-delay");
		assertThat(this.registry.get("kafka.task.dead.letters").tag("reason", "invalid-delay").counter().count())
			.isEqualTo(1);
	}

	@Test
	void whenDueIsMissingOrNotANumberOrNegativeThenTheRecordIsDeadLetteredAsInvalidDelay() {
		this.topics.append(this.tier, null, "tasks.orders", "it.count");
		this.topics.append(this.tier, "tomorrow", "tasks.orders", "it.count");
		this.topics.append(this.tier, "-1", "tasks.urgent.high", "it.count");
		this.topics.append(this.tier, past(), "tasks.orders", "it.count");
		start();
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 4);
		assertThat(this.topics.written("tasks.orders.dlt")).extracting(ProducerRecord::key)
			.containsExactly("key-0", "key-1");
		assertThat(this.topics.written("tasks.urgent.high.dlt")).extracting(ProducerRecord::key)
			.containsExactly("key-2");
		assertThat(this.topics.written("tasks.orders")).extracting(ProducerRecord::key).containsExactly("key-3");
		assertThat(this.topics.written("tasks.urgent.high")).isEmpty();
		assertThat(this.observer.deadLetters()).containsExactly("unknown/orders/kafka/invalid-delay",
				"unknown/orders/kafka/invalid-delay", "unknown/urgent/kafka/invalid-delay");
	}

	@Test
	void whenTargetIsMissingThenTheRecordIsDeadLetteredAsInvalidDelayToTheDelayDeadLetterTopic() {
		this.topics.append(this.tier, past(), null, null);
		this.topics.append(this.tier, past(), "tasks.orders", "it.count");
		start();
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 2);
		List<ProducerRecord<String, byte[]>> deadLetters = this.topics.written(DELAY_DEAD_LETTERS);
		assertThat(deadLetters).extracting(ProducerRecord::key).containsExactly("key-0");
		assertThat(header(deadLetters.get(0), TaskHeaders.DLT_REASON)).isEqualTo("invalid-delay");
		assertThat(this.topics.written("tasks.orders")).extracting(ProducerRecord::key).containsExactly("key-1");
		assertThat(this.observer.deadLetters()).containsExactly("unknown/tasks.__delay.1s/kafka/invalid-delay");
	}

	@Test
	void whenTargetIsNotTheTopicOfAKnownQueueThenTheRecordIsDeadLetteredAsForbiddenAndNothingIsWrittenThere() {
		List<String> forbidden = List.of("__consumer_offsets", "other-app.orders", "tasks.billing", "tasks.orders.dlt",
				"tasks.__replies", "tasks.__delay.5s", "tasks.orders.high");
		forbidden.forEach((target) -> this.topics.append(this.tier, past(), target, "it.count"));
		this.topics.append(this.tier, past(), "tasks.urgent.high", "it.count");
		start();
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == forbidden.size() + 1);
		List<ProducerRecord<String, byte[]>> deadLetters = this.topics.written(DELAY_DEAD_LETTERS);
		assertThat(deadLetters).hasSize(forbidden.size());
		assertThat(deadLetters).allSatisfy((deadLetter) -> {
			assertThat(header(deadLetter, TaskHeaders.DLT_REASON)).isEqualTo("forbidden-destination");
			assertThat(header(deadLetter, TaskHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("tasks.__delay.1s");
		});
		assertThat(this.topics.written()).extracting(ProducerRecord::topic)
			.doesNotContainAnyElementsOf(forbidden)
			.containsOnly(DELAY_DEAD_LETTERS, "tasks.urgent.high");
		assertThat(this.observer.deadLetters()).hasSize(forbidden.size())
			.containsOnly("unknown/tasks.__delay.1s/kafka/forbidden-destination");
	}

	@Test
	void whenTheDeadLetterCannotBeWrittenThenNothingIsCommittedUntilItIs() {
		this.topics.append(this.tier, past(), "__consumer_offsets", "it.count");
		this.topics.failSendsTo(DELAY_DEAD_LETTERS, 2);
		start();
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 1);
		assertThat(this.topics.written(DELAY_DEAD_LETTERS)).hasSize(1);
		assertThat(this.topics.writtenAtCommits()).first().as("dead letter written before the commit").isEqualTo(1);
		assertThat(this.topics.written("__consumer_offsets")).isEmpty();
		assertThat(this.observer.deadLetterFailures()).containsExactly("tasks.__delay.1s", "tasks.__delay.1s");
		assertThat(this.observer.backgroundFailures()).containsExactly("delays", "delays");
	}

	@Test
	void whenADelayedTaskIsRevokedThenItIsDroppedAndItsRevokedEventBelongsToTheForwardersCluster() {
		this.topics.append(this.tier, past(), "tasks.orders", "it.count", "t-revoked");
		this.topics.append(this.tier, past(), "tasks.orders", "it.count", "t-kept");
		List<TaskEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
		RevokedTasks revoked = new RevokedTasks() {

			@Override
			public @Nullable Revocation revoked(String taskId) {
				return taskId.equals("t-revoked") ? new Revocation(taskId, Instant.now(), false, "1@admin") : null;
			}

			@Override
			public void onTerminate(java.util.function.Consumer<Revocation> terminator) {
			}

		};
		start((forwarder) -> {
			forwarder.setCluster("east");
			forwarder.setRevokedTasks(revoked, new TaskLifecycle(events::add, "2@worker", 100, new JsonMapper(),
					Clock.systemUTC()), "it.count"::equals);
		});
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 2);
		assertThat(this.topics.written("tasks.orders")).extracting(ProducerRecord::key).containsExactly("key-1");
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.taskId()).isEqualTo("t-revoked");
			assertThat(event.type()).isEqualTo(TaskEventType.REVOKED);
			assertThat(event.cluster()).isEqualTo("east");
		});
	}

	@Test
	void whenStoppedThenItsConsumerIsClosed() {
		start();
		await().atMost(TIMEOUT).until(() -> this.topics.consumersCreated() == 1);
		this.forwarder.stop();
		assertThat(this.forwarder.isRunning()).isFalse();
		assertThat(this.topics.consumersClosed()).isEqualTo(1);
		assertThat(this.observer.backgroundFailures()).isEmpty();
	}

	private void start() {
		start((forwarder) -> {
		});
	}

	private void start(java.util.function.Consumer<DelayForwarder> configuration) {
		this.metrics.bindTo(this.registry);
		this.forwarder = new DelayForwarder(this.topics.consumerFactory(), "app.delays",
				new DelayedTaskPublisher(this.topics.template(), this.tiers, Clock.systemUTC()),
				new DeadLetterPublisher(this.topics.template(), this.taskTopics), this.targets, this.observer,
				Clock.systemUTC());
		configuration.accept(this.forwarder);
		this.forwarder.start();
	}

	private static String past() {
		return Long.toString(System.currentTimeMillis() - 1000);
	}

	private static String header(ProducerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		assertThat(header).as(name).isNotNull();
		return new String(header.value(), StandardCharsets.UTF_8);
	}

	/**
	 * Keeps what the forwarder reported, and hands it on to the meters.
	 */
	static final class RecordingTaskObserver implements TaskObserver {

		private final TaskObserver delegate;

		private final List<String> backgroundFailures = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final List<String> deadLetters = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final List<String> deadLetterFailures = new java.util.concurrent.CopyOnWriteArrayList<>();

		RecordingTaskObserver(TaskObserver delegate) {
			this.delegate = delegate;
		}

		@Override
		public void backgroundFailure(String thread, Throwable failure) {
			this.backgroundFailures.add(thread);
			this.delegate.backgroundFailure(thread, failure);
		}

		@Override
		public void deadLettered(String task, String queue, dev.kafkatask.routing.Backend backend,
				DeadLetterReason reason) {
			this.deadLetters.add(task + "/" + queue + "/" + backend.id() + "/" + reason.code());
			this.delegate.deadLettered(task, queue, backend, reason);
		}

		@Override
		public void deadLetterFailed(String queue, dev.kafkatask.routing.Backend backend, Throwable failure) {
			this.deadLetterFailures.add(queue);
			this.delegate.deadLetterFailed(queue, backend, failure);
		}

		List<String> backgroundFailures() {
			return List.copyOf(this.backgroundFailures);
		}

		List<String> deadLetters() {
			return List.copyOf(this.deadLetters);
		}

		List<String> deadLetterFailures() {
			return List.copyOf(this.deadLetterFailures);
		}

	}

}
