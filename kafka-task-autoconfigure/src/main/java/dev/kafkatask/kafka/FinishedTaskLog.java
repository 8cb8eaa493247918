package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.monitor.TaskObserver;

/**
 * {@link FinishedTasks} kept in a compacted topic keyed by task id: a worker that ran a
 * tracked task writes its id there, and every worker instance reads the whole topic (no
 * consumer group, {@link TopicReader}) into memory, keeping the ids of the last
 * {@link #getRetention() retention} (the topic's too). A task that succeeded is skipped by
 * any worker that read its record before it got the copy: a copy that runs at the same time
 * as the first, or within the moment the record takes to be read, still runs.
 * <p>
 * It starts reading with the first tracked task (most applications have none), the
 * retention's worth of the topic first, before it answers (once: if that takes longer than
 * 10 s, a warning says so and tracked tasks no longer wait); its thread is {@code finished}.
 *
 * @author kafka-task
 */
public class FinishedTaskLog implements FinishedTasks, SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "finished";

	private static final Log logger = LogFactory.getLog(FinishedTaskLog.class);

	private static final Duration FIRST_READ_TIMEOUT = Duration.ofSeconds(10);

	private final KafkaTemplate<String, byte[]> template;

	private final String topic;

	private final Duration retention;

	private final JsonMapper mapper;

	private final Clock clock;

	private final TopicReader reader;

	/**
	 * The ids that succeeded, with the names of their tasks.
	 */
	private final RecentKeys<String> succeeded;

	private volatile boolean running;

	private volatile boolean stopped;

	private volatile boolean warned;

	/**
	 * Create the log.
	 * @param template writes the ids
	 * @param consumerFactory creates the consumer that reads them (no group)
	 * @param topic the compacted topic of ids
	 * @param retention how long an id is kept
	 * @param mapper writes the records
	 * @param observer told when the consumer fails
	 * @param clock the clock
	 */
	public FinishedTaskLog(KafkaTemplate<String, byte[]> template, ConsumerFactory<String, byte[]> consumerFactory,
			String topic, Duration retention, JsonMapper mapper, TaskObserver observer, Clock clock) {
		this.template = template;
		this.topic = topic;
		this.retention = retention;
		this.mapper = mapper;
		this.clock = clock;
		this.succeeded = new RecentKeys<>(retention.toMillis());
		this.reader = new TopicReader(THREAD, consumerFactory, topic, retention, this::read,
				() -> this.succeeded.purge(clock.millis()), observer, clock);
	}

	public Duration getRetention() {
		return this.retention;
	}

	/**
	 * Return how many ids are kept in memory now.
	 * @return the number of ids
	 */
	public int size() {
		return this.succeeded.size();
	}

	@Override
	public boolean hasSucceeded(String taskId) throws InterruptedException {
		startReading();
		if (!this.reader.awaitCaughtUpOnce(FIRST_READ_TIMEOUT) && !this.warned) {
			this.warned = true;
			logger.warn("The ids of finished tasks ('" + this.topic + "') were not read within " + FIRST_READ_TIMEOUT
					+ ": tracked tasks run without waiting for them, and a copy of one that succeeded is skipped"
					+ " only once its id was read");
		}
		return this.succeeded.get(taskId) != null;
	}

	@Override
	public void succeeded(String taskId, String task) {
		startReading();
		long now = this.clock.millis();
		this.succeeded.putLocal(taskId, task, now);
		byte[] value = this.mapper.writeValueAsBytes(this.mapper.createObjectNode().put("task", task).put("at", now));
		try {
			this.template.send(this.topic, taskId, value).whenComplete((result, failure) -> {
				if (failure != null) {
					logger.warn("Could not record that task '" + task + "' [" + taskId
							+ "] succeeded; a copy of it may run again: " + failure);
				}
			});
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record that task '" + task + "' [" + taskId
					+ "] succeeded; a copy of it may run again: " + ex);
		}
	}

	/**
	 * Start reading the topic with the first tracked task (most applications have none),
	 * whether or not this bean's own start came yet: the worker may start, and run tracked
	 * tasks, before it.
	 */
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
		if (record.key() != null) {
			// The value's content does not matter: a record says the id succeeded.
			this.succeeded.read(record.key(), (record.value() != null) ? "" : null, record.timestamp());
		}
	}

}
