package dev.kafkatask.kafka.listener;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.DelayedTaskPublisher;

/**
 * Moves delayed task records on when they are due: reads the delay tiers with a consumer of
 * its own, and for each partition pauses at the first record that is not due yet (seeking
 * back to it) until it is, so waiting records stay on disk. A due record goes to its target
 * topic, or down to the next tier if some of its delay remains; offsets are committed once
 * the records moved were acknowledged (a crash moves some twice, never none).
 *
 * @author kafka-task
 */
public class DelayForwarder implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DelayForwarder.class);

	private static final Duration MAX_POLL = Duration.ofMillis(500);

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String groupId;

	private final DelayTiers tiers;

	private final DelayedTaskPublisher publisher;

	private final Clock clock;

	private volatile boolean running;

	private volatile @Nullable Throwable failure;

	private volatile @Nullable Consumer<String, byte[]> consumer;

	private @Nullable Thread thread;

	private final CountDownLatch stopped = new CountDownLatch(1);

	public DelayForwarder(ConsumerFactory<String, byte[]> consumerFactory, String groupId, DelayTiers tiers,
			DelayedTaskPublisher publisher, Clock clock) {
		this.consumerFactory = consumerFactory;
		this.groupId = groupId;
		this.tiers = tiers;
		this.publisher = publisher;
		this.clock = clock;
	}

	@Override
	public void start() {
		this.failure = null;
		this.running = true;
		this.thread = Thread.ofPlatform().name("kafka-task-delays-" + this.groupId).start(this::run);
	}

	@Override
	public void stop() {
		this.running = false;
		Consumer<String, byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
		try {
			this.stopped.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Return why the forwarder's consumer thread stopped on its own, if it did: then no
	 * delayed task (countdown, eta, retry, rate-limited) reaches its queue any more.
	 * @return the failure, or {@code null}
	 */
	public @Nullable Throwable getFailure() {
		return this.failure;
	}

	/**
	 * Return the forwarder's consumer group.
	 * @return the group id
	 */
	public String getGroupId() {
		return this.groupId;
	}

	@Override
	public int getPhase() {
		return TaskListenerContainer.DEFAULT_PHASE;
	}

	private void run() {
		Map<TopicPartition, Long> resumeAt = new HashMap<>();
		try (Consumer<String, byte[]> delays = this.consumerFactory.createConsumer(this.groupId,
				"kafka-task-delays-" + this.groupId, null)) {
			this.consumer = delays;
			delays.subscribe(this.tiers.topics());
			while (this.running) {
				long now = this.clock.millis();
				List<TopicPartition> due = new ArrayList<>();
				resumeAt.forEach((partition, at) -> {
					if (at <= now) {
						due.add(partition);
					}
				});
				if (!due.isEmpty()) {
					due.forEach(resumeAt::remove);
					due.retainAll(delays.assignment());
					delays.resume(due);
				}
				long wait = resumeAt.values().stream().mapToLong((at) -> at - now).min().orElse(MAX_POLL.toMillis());
				ConsumerRecords<String, byte[]> records;
				try {
					records = delays.poll(Duration.ofMillis(Math.max(1, Math.min(wait, MAX_POLL.toMillis()))));
				}
				catch (WakeupException ex) {
					continue;
				}
				forward(delays, records, resumeAt);
			}
		}
		catch (RuntimeException | Error ex) {
			this.failure = ex;
			logger.error("Delay forwarder of group '" + this.groupId + "' stopped unexpectedly", ex);
			if (ex instanceof Error error) {
				throw error;
			}
		}
		finally {
			this.consumer = null;
			this.running = false;
			this.stopped.countDown();
		}
	}

	private void forward(Consumer<String, byte[]> delays, ConsumerRecords<String, byte[]> records,
			Map<TopicPartition, Long> resumeAt) {
		Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
		Map<TopicPartition, Long> firstOffsets = new HashMap<>();
		List<CompletableFuture<?>> sent = new ArrayList<>();
		for (TopicPartition partition : records.partitions()) {
			Duration tier = this.tiers.tier(partition.topic());
			for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
				long due = longHeader(record, DelayedTaskPublisher.DUE, record.timestamp());
				long release = (tier != null) ? Math.min(due, record.timestamp() + tier.toMillis()) : due;
				if (release > this.clock.millis()) {
					delays.pause(List.of(partition));
					delays.seek(partition, record.offset());
					resumeAt.put(partition, release);
					break;
				}
				String target = textHeader(record, DelayedTaskPublisher.TARGET);
				if (target == null) {
					logger.warn("Delayed record " + partition + "@" + record.offset() + " names no target; dropped");
				}
				else {
					sent.add(this.publisher.publish(target, record.key(), record.value(), record.headers(),
							java.time.Instant.ofEpochMilli(due)));
				}
				firstOffsets.putIfAbsent(partition, record.offset());
				commits.put(partition, new OffsetAndMetadata(record.offset() + 1));
			}
		}
		if (commits.isEmpty()) {
			return;
		}
		try {
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
		}
		catch (RuntimeException ex) {
			// Nothing is committed: read those records again and move them once more.
			logger.error("Could not move delayed records on; retrying them", ex);
			firstOffsets.forEach(delays::seek);
			return;
		}
		delays.commitSync(commits);
	}

	private static long longHeader(ConsumerRecord<String, byte[]> record, String name, long fallback) {
		String text = textHeader(record, name);
		try {
			return (text != null) ? Long.parseLong(text) : fallback;
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

	private static @Nullable String textHeader(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
