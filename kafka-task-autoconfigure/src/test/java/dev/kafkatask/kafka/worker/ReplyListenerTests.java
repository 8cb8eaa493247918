package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.mock.MockConsumerFactory;

import dev.kafkatask.dispatch.TaskResult;
import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ReplyListener}, on {@code MockConsumer}s.
 *
 * @author kafka-task
 */
class ReplyListenerTests {

	private static final String TOPIC = "tasks.__replies";

	private final TopicPartition partition = new TopicPartition(TOPIC, 0);

	private final List<ReplyConsumer> consumers = new CopyOnWriteArrayList<>();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final AtomicBoolean topicExists = new AtomicBoolean(true);

	/**
	 * The offset of the first result written since the time asked for, on the next consumer.
	 */
	private final AtomicReference<@Nullable Long> firstSince = new AtomicReference<>();

	/**
	 * The end offset of the partition, on the next consumer.
	 */
	private final AtomicLong end = new AtomicLong();

	private final ReplyListener listener = new ReplyListener(new MockConsumerFactory<>(this::newConsumer), TOPIC,
			new JsonMapper(), new TaskObserver() {

				@Override
				public void backgroundFailure(String thread, Throwable failure) {
					ReplyListenerTests.this.failures.add(thread);
				}

			});

	@AfterEach
	void stopListener() {
		this.listener.stop();
	}

	@Test
	void whenTheConsumerFailsThenANewOneGoesOnFromWhereItWasAndResultsStillArrive() throws Exception {
		this.listener.start();
		CompletableFuture<TaskResult> result = this.listener.expect("task-1", Duration.ofSeconds(30));
		assertThat(this.listener.sentTo("task-1", "default")).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.consumers.isEmpty());
		// a result came while no consumer read: a new consumer that began at the end would miss it
		this.end.set(1);
		ReplyConsumer broken = this.consumers.get(0);
		broken.setPollException(new KafkaException("Broker gone"));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.consumers.size() == 2 && broken.closed());
		this.consumers.get(1).reply("task-1", 0);
		TaskResult taskResult = result.get(10, TimeUnit.SECONDS);
		assertThat(taskResult.succeeded()).isTrue();
		assertThat(taskResult.value().asInt()).isEqualTo(5);
		assertThat(this.failures).containsExactly("replies");
	}

	@Test
	void whenTheReplyTopicHasNoPartitionsYetThenTheListenerTriesAgainUntilItHas() throws Exception {
		this.topicExists.set(false);
		this.listener.start();
		CompletableFuture<TaskResult> result = this.listener.expect("task-1", Duration.ofSeconds(30));
		this.listener.sentTo("task-1", "default");
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.failures.isEmpty());
		this.topicExists.set(true);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.consumers.stream().anyMatch((consumer) -> !consumer.assignment().isEmpty()));
		this.consumers.get(this.consumers.size() - 1).reply("task-1", 1);
		assertThat(result.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
	}

	@Test
	void whenAResultCameBeforeTheReaderStartedThenItIsReadFromTheTimeOfTheDispatch() throws Exception {
		this.listener.start();
		CompletableFuture<TaskResult> result = this.listener.expect("task-1", Duration.ofSeconds(30));
		// the worker replied before the dispatcher heard from the broker where its task went
		this.end.set(1);
		this.firstSince.set(0L);
		assertThat(this.listener.isReading("default")).isFalse();
		this.listener.sentTo("task-1", "default");
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.consumers.isEmpty());
		this.consumers.get(0).reply("task-1", 0);
		assertThat(result.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
		assertThat(this.consumers.get(0).askedFor).hasValueSatisfying((time) -> assertThat(time)
			.isLessThanOrEqualTo(System.currentTimeMillis() - ReplyReader.REWIND.toMillis()));
	}

	@Test
	void whenATaskWentToAClusterWithoutAReaderThenItsResultIsNotAwaitedThere() {
		this.listener.start();
		this.listener.expect("task-1", Duration.ofSeconds(30));
		assertThat(this.listener.sentTo("task-1", "east")).isFalse();
		assertThat(this.listener.isReading("default")).isFalse();
		assertThat(this.consumers).isEmpty();
	}

	@Test
	void whenTheListenerIsStoppedThenATaskWrittenStartsNoReader() {
		this.listener.expect("task-1", Duration.ofSeconds(30));
		assertThat(this.listener.sentTo("task-1", "default")).isTrue();
		assertThat(this.listener.isReading("default")).isFalse();
	}

	private MockConsumer<String, byte[]> newConsumer() {
		ReplyConsumer consumer = new ReplyConsumer();
		if (this.topicExists.get()) {
			consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), null, null)));
		}
		consumer.updateEndOffsets(Map.of(this.partition, this.end.get()));
		this.consumers.add(consumer);
		return consumer;
	}

	/**
	 * A consumer of the reply topic whose poll waits a little when it has nothing.
	 */
	private final class ReplyConsumer extends MockConsumer<String, byte[]> {

		private final AtomicReference<@Nullable Long> askedFor = new AtomicReference<>();

		private final @Nullable Long first = ReplyListenerTests.this.firstSince.get();

		ReplyConsumer() {
			super("latest");
		}

		@Override
		public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
				Map<TopicPartition, Long> timestamps) {
			Map<TopicPartition, OffsetAndTimestamp> offsets = new HashMap<>();
			timestamps.forEach((partition, time) -> {
				this.askedFor.set(time);
				offsets.put(partition, (this.first != null) ? new OffsetAndTimestamp(this.first, time) : null);
			});
			return offsets;
		}

		void reply(String taskId, long offset) {
			schedulePollTask(() -> addRecord(new ConsumerRecord<>(TOPIC, 0, offset, System.currentTimeMillis(),
					TimestampType.CREATE_TIME, 0, 0, taskId,
					("{\"id\":\"" + taskId + "\",\"task\":\"it.add\",\"status\":\"SUCCESS\",\"result\":5}")
						.getBytes(StandardCharsets.UTF_8),
					new RecordHeaders(), Optional.empty())));
		}

		@Override
		public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
			ConsumerRecords<String, byte[]> records = super.poll(timeout);
			if (records.isEmpty()) {
				try {
					wait(10);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return records;
		}

	}

}
