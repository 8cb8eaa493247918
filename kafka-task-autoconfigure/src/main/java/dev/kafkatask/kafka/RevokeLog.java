package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.execution.RevokedTasks;
import dev.kafkatask.monitor.Revocation;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.monitor.TaskRevoker;

/**
 * Revocations kept in a compacted topic keyed by task id ({@code <prefix>__revoked}), for
 * their retention (the topic's too): any instance writes them, every instance reads the whole
 * topic (no consumer group, {@link TopicReader}) into memory. A worker that was down reads
 * them before it runs its first task, so a revocation reaches it however late it comes; a
 * revocation with {@code terminate} is handed on as it is read, to interrupt the task where
 * it runs.
 * <p>
 * It starts reading with the first task checked, revoked or looked up (an application that
 * does none of these reads nothing); its thread is {@code revoked}. The first check waits for
 * the topic to be read to where it ended, once: if that takes longer than 10 s (the topic
 * cannot be read), a warning says so and tasks run meanwhile, without waiting again. A record
 * that is not a revocation (not JSON, no time) is skipped with a warning: nobody is revoked by
 * it.
 *
 * @author kafka-task
 */
public class RevokeLog implements RevokedTasks, TaskRevoker, SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "revoked";

	private static final Log logger = LogFactory.getLog(RevokeLog.class);

	private static final Duration FIRST_READ_TIMEOUT = Duration.ofSeconds(10);

	private final KafkaTemplate<String, byte[]> template;

	private final String topic;

	private final Duration retention;

	private final String instance;

	private final JsonMapper mapper;

	private final Clock clock;

	private final TopicReader reader;

	private final RecentKeys<Revocation> revoked;

	private volatile Consumer<Revocation> terminator = (revocation) -> {
	};

	private volatile boolean running;

	private volatile boolean stopped;

	private volatile boolean warned;

	/**
	 * Create the log.
	 * @param template writes the revocations
	 * @param consumerFactory creates the consumer that reads them (no group)
	 * @param topic the compacted topic of revocations
	 * @param retention how long a revocation is kept
	 * @param instance the name of this instance in revocations ({@code pid@host})
	 * @param mapper writes and reads the records
	 * @param observer told when the consumer fails
	 * @param clock the clock
	 */
	public RevokeLog(KafkaTemplate<String, byte[]> template, ConsumerFactory<String, byte[]> consumerFactory,
			String topic, Duration retention, String instance, JsonMapper mapper, TaskObserver observer, Clock clock) {
		this.template = template;
		this.topic = topic;
		this.retention = retention;
		this.instance = instance;
		this.mapper = mapper;
		this.clock = clock;
		this.revoked = new RecentKeys<>(retention.toMillis());
		this.reader = new TopicReader(THREAD, consumerFactory, topic, retention, this::read,
				() -> this.revoked.purge(clock.millis()), observer, clock);
	}

	public String getTopic() {
		return this.topic;
	}

	public Duration getRetention() {
		return this.retention;
	}

	/**
	 * Return how many revocations are kept in memory now.
	 * @return the number of revocations
	 */
	public int size() {
		return this.revoked.size();
	}

	@Override
	public CompletableFuture<Revocation> revoke(String taskId, boolean terminate) {
		TaskResults.checkId(taskId);
		startReading();
		Revocation revocation = new Revocation(taskId, this.clock.instant(), terminate, this.instance);
		byte[] value = this.mapper.writeValueAsBytes(this.mapper.createObjectNode()
			.put("at", revocation.at().toEpochMilli())
			.put("terminate", terminate)
			.put("by", this.instance));
		try {
			return this.template.send(this.topic, taskId, value).thenApply((sent) -> {
				logger.info("Task [" + taskId + "] revoked" + (terminate ? ", to be terminated where it runs" : ""));
				return revocation;
			});
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public Optional<Revocation> revocation(String taskId) {
		TaskResults.checkId(taskId);
		startReading();
		return Optional.ofNullable(this.revoked.get(taskId));
	}

	@Override
	public @Nullable Revocation revoked(String taskId) throws InterruptedException {
		startReading();
		if (!this.reader.awaitCaughtUpOnce(FIRST_READ_TIMEOUT) && !this.warned) {
			this.warned = true;
			logger.warn("The revoked tasks ('" + this.topic + "') were not read within " + FIRST_READ_TIMEOUT
					+ ": tasks run without waiting for them, and revocations count from when they are read");
		}
		return this.revoked.get(taskId);
	}

	@Override
	public void onTerminate(Consumer<Revocation> terminator) {
		this.terminator = terminator;
	}

	private void startReading() {
		if (!this.stopped) {
			this.reader.start();
		}
	}

	@Override
	public void start() {
		this.running = true;
		this.stopped = false;
	}

	@Override
	public void stop() {
		this.running = false;
		this.stopped = true;
		this.reader.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void read(ConsumerRecord<String, byte[]> record) {
		String taskId = record.key();
		if (taskId == null) {
			return;
		}
		if (record.value() == null) {
			this.revoked.read(taskId, null, record.timestamp());
			return;
		}
		Revocation revocation = revocation(taskId, record.value());
		if (revocation == null) {
			logger.warn("Record " + record.topic() + "-" + record.partition() + "@" + record.offset()
					+ " is not a revocation; it is skipped");
			return;
		}
		this.revoked.read(taskId, revocation, record.timestamp());
		if (revocation.terminate()) {
			try {
				this.terminator.accept(revocation);
			}
			catch (RuntimeException ex) {
				logger.error("Could not terminate task [" + taskId + "]", ex);
			}
		}
	}

	private @Nullable Revocation revocation(String taskId, byte[] value) {
		try {
			JsonNode json = this.mapper.readTree(value);
			JsonNode at = json.get("at");
			if (at == null || !at.isIntegralNumber()) {
				return null;
			}
			JsonNode terminate = json.get("terminate");
			JsonNode by = json.get("by");
			return new Revocation(taskId, Instant.ofEpochMilli(at.asLong()), terminate != null && terminate.asBoolean(),
					(by != null && by.isString()) ? by.asString() : "unknown");
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return null;
		}
	}

}
