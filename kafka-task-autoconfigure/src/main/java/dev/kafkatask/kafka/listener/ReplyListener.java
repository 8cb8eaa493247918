package dev.kafkatask.kafka.listener;

import java.time.Duration;
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
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.dispatch.ResultBackend;
import dev.kafkatask.dispatch.TaskResult;

/**
 * The result backend of an application on Kafka, like Celery's rpc backend: one reply topic,
 * read whole by every dispatching instance (no consumer group, from its end at start), and
 * futures completed by task id; results nobody waits for are skipped.
 *
 * @author kafka-task
 */
public class ReplyListener implements ResultBackend, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplyListener.class);

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String replyTopic;

	private final JsonMapper mapper;

	private final Map<String, CompletableFuture<TaskResult>> pending = new ConcurrentHashMap<>();

	private volatile boolean running;

	private final AtomicBoolean listening = new AtomicBoolean();

	private volatile @Nullable Consumer<String, byte[]> consumer;

	private final CountDownLatch assigned = new CountDownLatch(1);

	private final CountDownLatch stopped = new CountDownLatch(1);

	public ReplyListener(ConsumerFactory<String, byte[]> consumerFactory, String replyTopic, JsonMapper mapper) {
		this.consumerFactory = consumerFactory;
		this.replyTopic = replyTopic;
		this.mapper = mapper;
	}

	@Override
	public String replyTo() {
		return this.replyTopic;
	}

	@Override
	public CompletableFuture<TaskResult> expect(String taskId, Duration timeout) {
		if (this.running && this.listening.compareAndSet(false, true)) {
			// Started by the first dispatch that wants a result: most applications never do.
			Thread.ofPlatform().name("kafka-task-replies").daemon(true).start(this::run);
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
		Consumer<String, byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
		if (!this.listening.get()) {
			return;
		}
		try {
			this.stopped.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void run() {
		try (Consumer<String, byte[]> replies = this.consumerFactory.createConsumer(null, "kafka-task-replies", null)) {
			this.consumer = replies;
			List<TopicPartition> partitions = replies.partitionsFor(this.replyTopic)
				.stream()
				.map((info) -> new TopicPartition(this.replyTopic, info.partition()))
				.toList();
			replies.assign(partitions);
			replies.seekToEnd(partitions);
			partitions.forEach(replies::position);
			this.assigned.countDown();
			while (this.running) {
				try {
					replies.poll(Duration.ofMillis(500)).forEach(this::complete);
				}
				catch (WakeupException ex) {
					// stopping
				}
			}
		}
		catch (RuntimeException ex) {
			logger.error("Reply listener on " + this.replyTopic + " stopped unexpectedly", ex);
		}
		finally {
			this.assigned.countDown();
			this.consumer = null;
			this.stopped.countDown();
		}
	}

	private void complete(ConsumerRecord<String, byte[]> record) {
		CompletableFuture<TaskResult> waiting = (record.key() != null) ? this.pending.get(record.key()) : null;
		if (waiting == null) {
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

}
