package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
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
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.failures.isEmpty());
		this.topicExists.set(true);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.consumers.stream().anyMatch((consumer) -> !consumer.assignment().isEmpty()));
		this.consumers.get(this.consumers.size() - 1).reply("task-1", 1);
		assertThat(result.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
	}

	private MockConsumer<String, byte[]> newConsumer() {
		ReplyConsumer consumer = new ReplyConsumer();
		if (this.topicExists.get()) {
			consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), null, null)));
		}
		// a result came while no consumer read: a new consumer that began at the end would miss it
		consumer.updateEndOffsets(Map.of(this.partition, this.consumers.isEmpty() ? 0L : 1L));
		this.consumers.add(consumer);
		return consumer;
	}

	/**
	 * A consumer of the reply topic whose poll waits a little when it has nothing.
	 */
	private final class ReplyConsumer extends MockConsumer<String, byte[]> {

		ReplyConsumer() {
			super("latest");
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
