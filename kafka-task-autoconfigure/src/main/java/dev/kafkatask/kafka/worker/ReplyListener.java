package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.dispatch.ResultBackend;
import dev.kafkatask.dispatch.TaskResult;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * The result backend of an application on Kafka, like Celery's rpc backend: one reply topic,
 * read whole by every dispatching instance (no consumer group, from its end at start), and
 * futures completed by task id; results nobody waits for are skipped.
 * <p>
 * Its consumer runs on a {@link SupervisedThread} ({@code replies}), started by the first
 * dispatch that wants a result: a failure is logged, counted and backed off from, and a new
 * consumer goes on from where the failed one was.
 *
 * @author kafka-task
 */
public class ReplyListener implements ResultBackend, SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "replies";

	private static final Log logger = LogFactory.getLog(ReplyListener.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String replyTopic;

	private final JsonMapper mapper;

	private final Map<String, CompletableFuture<TaskResult>> pending = new ConcurrentHashMap<>();

	private final SupervisedThread thread;

	/**
	 * Where each partition is read up to, so that a new consumer goes on from there; only the
	 * supervised thread uses it.
	 */
	private final Map<TopicPartition, Long> positions = new HashMap<>();

	private volatile boolean running;

	private final AtomicBoolean listening = new AtomicBoolean();

	private volatile @Nullable Consumer<String, byte[]> consumer;

	private final CountDownLatch assigned = new CountDownLatch(1);

	/**
	 * Create a reply listener.
	 * @param consumerFactory creates its consumer
	 * @param replyTopic the topic results come back on
	 * @param mapper reads results
	 * @param observer told when its consumer fails
	 */
	public ReplyListener(ConsumerFactory<String, byte[]> consumerFactory, String replyTopic, JsonMapper mapper,
			TaskObserver observer) {
		this.consumerFactory = consumerFactory;
		this.replyTopic = replyTopic;
		this.mapper = mapper;
		this.thread = new SupervisedThread(THREAD, "kafka-task-replies", new Loop(), observer);
	}

	@Override
	public String replyTo() {
		return this.replyTopic;
	}

	@Override
	public CompletableFuture<TaskResult> expect(String taskId, Duration timeout) {
		if (this.running && this.listening.compareAndSet(false, true)) {
			// Started by the first dispatch that wants a result: most applications never do.
			this.thread.start();
		}
		try {
			// Results are read from the topic's end as it was when listening began.
			this.assigned.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		CompletableFuture<TaskResult> result = new CompletableFuture<>();
		this.pending.put(taskId, result);
		return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, failure) -> {
			this.pending.remove(taskId);
			if (failure instanceof TimeoutException) {
				logger.debug("No result of task " + taskId + " within " + timeout);
			}
		});
	}

	@Override
	public void forget(String taskId) {
		this.pending.remove(taskId);
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.listening.compareAndSet(true, false)) {
			// the next dispatch that wants a result after a restart starts it again
			this.thread.stop(Duration.ofSeconds(10));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void poll() {
		Consumer<String, byte[]> replies = this.consumer;
		if (replies == null) {
			replies = this.consumerFactory.createConsumer(null, "kafka-task-replies", null);
			this.consumer = replies;
			assign(replies);
			this.assigned.countDown();
		}
		ConsumerRecords<String, byte[]> records = replies.poll(POLL_TIMEOUT);
		records.forEach(this::complete);
		for (TopicPartition partition : records.partitions()) {
			List<ConsumerRecord<String, byte[]>> read = records.records(partition);
			this.positions.put(partition, read.get(read.size() - 1).offset() + 1);
		}
	}

	/**
	 * Assign every partition of the reply topic: from where the last consumer was, or else
	 * from the end.
	 */
	private void assign(Consumer<String, byte[]> replies) {
		List<TopicPartition> partitions = replies.partitionsFor(this.replyTopic)
			.stream()
			.map((info) -> new TopicPartition(this.replyTopic, info.partition()))
			.toList();
		if (partitions.isEmpty()) {
			throw new IllegalStateException("Reply topic '" + this.replyTopic + "' has no partitions");
		}
		replies.assign(partitions);
		for (TopicPartition partition : partitions) {
			Long position = this.positions.get(partition);
			if (position != null) {
				replies.seek(partition, position);
			}
			else {
				replies.seekToEnd(List.of(partition));
				this.positions.put(partition, replies.position(partition));
			}
		}
	}

	private void closeConsumer() {
		Consumer<String, byte[]> current = this.consumer;
		this.consumer = null;
		if (current != null) {
			try {
				current.close(CloseOptions.timeout(CLOSE_TIMEOUT));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the reply listener's consumer cleanly", ex);
			}
		}
	}

	private void complete(ConsumerRecord<String, byte[]> record) {
		CompletableFuture<TaskResult> waiting = (record.key() != null) ? this.pending.get(record.key()) : null;
		if (waiting == null) {
			return;
		}
		if (record.value() == null) {
			waiting.completeExceptionally(new IllegalStateException("Empty result of task " + record.key()));
			return;
		}
		try {
			JsonNode result = this.mapper.readTree(record.value());
			boolean succeeded = "SUCCESS".equals(result.path("status").asString());
			JsonNode error = result.path("error");
			waiting.complete(new TaskResult(result.path("id").asString(), result.path("task").asString(), succeeded,
					succeeded ? result.get("result") : null, succeeded ? null : error.path("type").asString(),
					succeeded ? null : error.path("message").asString()));
		}
		catch (JacksonException ex) {
			waiting.completeExceptionally(new IllegalStateException("Unreadable result of task " + record.key(), ex));
		}
	}

	/**
	 * The listener's work on its supervised thread: poll and complete; after a failure, a new
	 * consumer.
	 */
	private final class Loop implements SupervisedThread.Loop {

		@Override
		public void iterate() {
			poll();
		}

		@Override
		public void recover(Throwable failure) {
			closeConsumer();
			// A dispatch waiting for the first assignment waits no longer: its result may
			// still come once a consumer reads again.
			ReplyListener.this.assigned.countDown();
		}

		@Override
		public void wakeUp() {
			Consumer<String, byte[]> current = ReplyListener.this.consumer;
			if (current != null) {
				current.wakeup();
			}
		}

		@Override
		public void close() {
			closeConsumer();
			ReplyListener.this.assigned.countDown();
		}

	}

}
