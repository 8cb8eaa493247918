package dev.kafkatask.kafka.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.util.Assert;

import dev.kafkatask.dispatch.ResultBackend;
import dev.kafkatask.dispatch.TaskResult;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Route;

/**
 * The result backend of an application on Kafka, like Celery's rpc backend: one reply topic
 * on each Kafka cluster tasks are written to, read whole by every dispatching instance (no
 * consumer group), and futures completed by task id; results nobody waits for are skipped.
 * A worker replies on the cluster it consumed the task from, so each cluster has its
 * {@link ReplyReader}, started by the first task written there whose result is expected
 * (most applications never expect one) and reading from the time that task was dispatched:
 * its result is read even when it came before the dispatcher learnt where the task went.
 *
 * @author kafka-task
 */
public class ReplyListener implements ResultBackend, SmartLifecycle {

	/**
	 * The name of its threads in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "replies";

	private static final Log logger = LogFactory.getLog(ReplyListener.class);

	private final String replyTopic;

	private final JsonMapper mapper;

	private final TaskObserver observer;

	private final Clock clock;

	private final Map<String, ReplyReader> readers = new ConcurrentHashMap<>();

	private final Map<String, Expected> pending = new ConcurrentHashMap<>();

	private volatile boolean running;

	/**
	 * Create a reply listener of the default Kafka cluster.
	 * @param consumerFactory creates consumers of the default cluster
	 * @param replyTopic the topic results come back on, on every cluster
	 * @param mapper reads results
	 * @param observer told when a consumer fails
	 */
	public ReplyListener(ConsumerFactory<String, byte[]> consumerFactory, String replyTopic, JsonMapper mapper,
			TaskObserver observer) {
		this(consumerFactory, replyTopic, mapper, observer, Clock.systemUTC());
	}

	/**
	 * Create a reply listener of the default Kafka cluster.
	 * @param consumerFactory creates consumers of the default cluster
	 * @param replyTopic the topic results come back on, on every cluster
	 * @param mapper reads results
	 * @param observer told when a consumer fails
	 * @param clock tells when a result began to be expected
	 */
	public ReplyListener(ConsumerFactory<String, byte[]> consumerFactory, String replyTopic, JsonMapper mapper,
			TaskObserver observer, Clock clock) {
		this.replyTopic = replyTopic;
		this.mapper = mapper;
		this.observer = observer;
		this.clock = clock;
		addCluster(Route.DEFAULT_CLUSTER, consumerFactory);
	}

	/**
	 * Read results on another Kafka cluster too.
	 * @param cluster the cluster's name
	 * @param consumerFactory creates consumers of that cluster
	 */
	public void addCluster(String cluster, ConsumerFactory<String, byte[]> consumerFactory) {
		ReplyReader reader = new ReplyReader(cluster, consumerFactory, this.replyTopic, this::complete, this.observer);
		Assert.state(this.readers.putIfAbsent(cluster, reader) == null,
				() -> "Results are read on Kafka cluster '" + cluster + "' already");
	}

	@Override
	public String replyTo() {
		return this.replyTopic;
	}

	@Override
	public CompletableFuture<TaskResult> expect(String taskId, Duration timeout) {
		CompletableFuture<TaskResult> result = new CompletableFuture<>();
		this.pending.put(taskId, new Expected(result, this.clock.instant()));
		return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, failure) -> {
			this.pending.remove(taskId);
			if (failure instanceof TimeoutException) {
				logger.debug("No result of task " + taskId + " within " + timeout);
			}
		});
	}

	@Override
	public boolean sentTo(String taskId, String cluster) {
		ReplyReader reader = this.readers.get(cluster);
		if (reader == null) {
			return false;
		}
		Expected expected = this.pending.get(taskId);
		if (expected != null && this.running) {
			reader.readSince(expected.since());
		}
		return true;
	}

	@Override
	public void forget(String taskId) {
		this.pending.remove(taskId);
	}

	/**
	 * Return whether results are read on a cluster now.
	 * @param cluster the cluster
	 * @return whether its reader was started by a task written there and not stopped since
	 */
	public boolean isReading(String cluster) {
		ReplyReader reader = this.readers.get(cluster);
		return reader != null && reader.isStarted();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		// the next task written after a restart starts its cluster's reader again
		this.readers.values().forEach(ReplyReader::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void complete(ConsumerRecord<String, byte[]> record) {
		Expected expected = (record.key() != null) ? this.pending.get(record.key()) : null;
		if (expected == null) {
			return;
		}
		CompletableFuture<TaskResult> waiting = expected.result();
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
	 * A result expected since a time.
	 */
	private record Expected(CompletableFuture<TaskResult> result, Instant since) {
	}

}
