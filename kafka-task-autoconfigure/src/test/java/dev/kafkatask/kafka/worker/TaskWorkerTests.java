package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.mock.MockConsumerFactory;

import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TaskWorker} against Kafka's {@code MockConsumer}: a consumer that fails
 * does not end the worker; a new one takes over after a back-off.
 *
 * @author kafka-task
 */
@ExtendWith(OutputCaptureExtension.class)
class TaskWorkerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String TOPIC = "tasks.default";

	private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

	private final ConcurrentLinkedQueue<MockWorkerConsumer> consumers = new ConcurrentLinkedQueue<>();

	private final AtomicInteger created = new AtomicInteger();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final ScriptedRecordHandler handler = new ScriptedRecordHandler(true);

	private final TaskWorker worker = new TaskWorker(WorkerSettings.of("workers"), this::consumerFactory,
			() -> List.of(TOPIC), this.handler, new TaskObserver() {

				@Override
				public void backgroundFailure(String thread, Throwable failure) {
					TaskWorkerTests.this.failures.add(thread + ": " + failure.getMessage());
				}

			});

	@AfterEach
	void stop() {
		this.worker.stop();
	}

	@Test
	void whenTheConsumerFailsThenTheFailureIsReportedAndANewConsumerTakesOverAfterABackoff() {
		MockWorkerConsumer failing = new MockWorkerConsumer();
		failing.setPollException(new KafkaException("broker connection lost"));
		MockWorkerConsumer next = new MockWorkerConsumer();
		next.assignAtNextPoll(List.of(P0));
		next.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b", "c"));
		this.consumers.add(failing);
		this.consumers.add(next);
		this.worker.start();
		// reported once the failed loop has ended and closed its consumer
		await().atMost(TIMEOUT).until(() -> !this.failures.isEmpty());
		assertThat(this.failures).containsExactly("worker: broker connection lost");
		assertThat(this.worker.isRunning()).isTrue();
		assertThat(failing.closed()).isTrue();
		await().atMost(TIMEOUT).until(() -> next.lastCommitted(P0) != null && next.lastCommitted(P0).offset() == 3);
		assertThat(this.handler.handed()).containsExactlyInAnyOrder("tasks.default-0@0", "tasks.default-0@1",
				"tasks.default-0@2");
		assertThat(this.worker.getFailure()).isNull();
		assertThat(this.worker.isConsuming()).isTrue();
		assertThat(this.created).hasValue(2);
	}

	@Test
	void whenTheGroupInstanceIdIsHeldByAKilledMemberThenJoiningIsRetriedEveryTwoSecondsWithoutBackoff(
			CapturedOutput output) {
		for (int i = 0; i < 2; i++) {
			MockWorkerConsumer unreleased = new MockWorkerConsumer();
			unreleased.setPollException(new UnreleasedInstanceIdException("instance id w-1 is owned by another member"));
			this.consumers.add(unreleased);
		}
		MockWorkerConsumer next = new MockWorkerConsumer();
		next.assignAtNextPoll(List.of(P0));
		next.addAtNextPoll(MockWorkerConsumer.records(P0, "a"));
		this.consumers.add(next);
		this.worker.start();
		await().atMost(TIMEOUT).until(() -> next.lastCommitted(P0) != null && next.lastCommitted(P0).offset() == 1);
		assertThat(this.failures).hasSize(2);
		assertThat(output).containsOnlyOnce("is held by a member that did not leave the group")
			.doesNotContain("stopped unexpectedly")
			.doesNotContain("starts again in 1000 ms");
		assertThat(output.getOut().split("starts again in 2000 ms", -1)).hasSize(3);
	}

	@Test
	void whenTheWorkerIsStoppedWhileItWaitsToStartAgainThenNoNewConsumerIsMade() {
		MockWorkerConsumer failing = new MockWorkerConsumer();
		failing.setPollException(new KafkaException("broker connection lost"));
		this.consumers.add(failing);
		this.consumers.add(new MockWorkerConsumer());
		this.worker.start();
		await().atMost(TIMEOUT).until(() -> !this.failures.isEmpty());
		this.worker.stop();
		assertThat(this.worker.isRunning()).isFalse();
		// Only the consumer thread makes consumers again: it ends without making one.
		await().atMost(TIMEOUT).until(() -> !this.worker.consumerThread().isAlive());
		assertThat(this.created).hasValue(1);
	}

	@Test
	void whenTheWorkerIsStartedAgainAfterAStopThenItConsumesWithANewConsumer() {
		this.consumers.add(new MockWorkerConsumer());
		MockWorkerConsumer second = new MockWorkerConsumer();
		second.assignAtNextPoll(List.of(P0));
		second.addAtNextPoll(MockWorkerConsumer.records(P0, "a"));
		this.consumers.add(second);
		this.worker.start();
		await().atMost(TIMEOUT).until(this.worker::isConsuming);
		this.worker.stop();
		this.worker.start();
		await().atMost(TIMEOUT).until(() -> second.lastCommitted(P0) != null && second.lastCommitted(P0).offset() == 1);
		assertThat(this.failures).isEmpty();
	}

	private ConsumerFactory<String, byte[]> consumerFactory() {
		return new MockConsumerFactory<>(() -> {
			MockWorkerConsumer consumer = this.consumers.poll();
			assertThat(consumer).as("a consumer for start %d", this.created.get() + 1).isNotNull();
			this.created.incrementAndGet();
			return consumer;
		});
	}

}
