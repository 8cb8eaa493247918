package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.HashMap;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Tells whether a worker has stalled: there is work (records it holds that wait or
 * run, or lag on its group's partitions) and yet no task finished and no offset moved for
 * longer than the stall timeout; or a partition's commit is frozen: its lowest unfinished
 * record has held it for longer than the stall timeout while records after it finished (a
 * task that never ends, a dead letter that cannot be written). That is the failure Celery teams saw most and could not
 * explain: workers that stopped consuming. Lag is read per partition with an admin client,
 * off the consumer thread, when asked: by the health endpoint, and by the metrics every
 * refresh interval.
 *
 * @author kafka-task
 */
public class StallDetector implements AutoCloseable {

	private final TaskWorker worker;

	private final Duration stallTimeout;

	private final @Nullable Map<String, Object> adminConfig;

	private volatile @Nullable Admin admin;

	private volatile Status last = new Status(false, null, 0, 0, 0, Duration.ZERO, Map.of(), Map.of());

	private volatile long lastCheckedAt;

	private volatile boolean checked;

	/**
	 * Create a detector.
	 * @param worker the worker
	 * @param stallTimeout how long without progress, with work, is a stall
	 * @param adminConfig configuration of an admin client to read the group's lag with, or
	 * {@code null} to look only at the work the worker holds
	 */
	public StallDetector(TaskWorker worker, Duration stallTimeout,
			@Nullable Map<String, Object> adminConfig) {
		this.worker = worker;
		this.stallTimeout = stallTimeout;
		this.adminConfig = adminConfig;
	}

	@Override
	public synchronized void close() {
		Admin current = this.admin;
		if (current != null) {
			current.close(Duration.ofSeconds(5));
			this.admin = null;
		}
	}

	private synchronized Admin admin(Map<String, Object> config) {
		Admin current = this.admin;
		if (current == null) {
			current = Admin.create(config);
			this.admin = current;
		}
		return current;
	}

	/**
	 * Look at the worker now.
	 * @return what it is doing
	 */
	public Status check() {
		int inFlight = this.worker.getInFlight();
		int waiting = this.worker.getWaiting();
		Map<TopicPartition, Long> lags = lags();
		long lag = lags.values().stream().mapToLong(Long::longValue).sum();
		Duration since = this.worker.getTimeSinceProgress();
		boolean work = inFlight + waiting > 0 || lag > 0;
		boolean running = this.worker.isConsuming();
		boolean stalled = running && work && since.compareTo(this.stallTimeout) > 0;
		String reason = stalled ? "No task finished and no offset moved for " + since.toMillis() + " ms (stall timeout "
				+ this.stallTimeout.toMillis() + " ms) while " + inFlight + " task(s) ran, " + waiting
				+ " record(s) waited and the lag was " + lag : null;
		Map<TopicPartition, Long> frozen = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
		StringBuilder frozenReason = new StringBuilder();
		Map<TopicPartition, OffsetTracker.OldestUnfinished> oldest = running ? this.worker.getOldestUnfinished()
				: Map.of();
		oldest.forEach((partition, record) -> {
			Duration holding = record.holding();
			if (record.finishedAbove() > 0 && holding.compareTo(this.stallTimeout) > 0) {
				frozen.put(partition, record.offset());
				frozenReason.append((frozenReason.length() > 0) ? "; " : "")
					.append("The commit of ")
					.append(partition)
					.append(" has not moved for ")
					.append(holding.toMillis())
					.append(" ms (stall timeout ")
					.append(this.stallTimeout.toMillis())
					.append(" ms): offset ")
					.append(record.offset())
					.append(" is not settled while ")
					.append(record.finishedAbove())
					.append(" record(s) after it are");
			}
		});
		if (!frozen.isEmpty()) {
			reason = (reason != null) ? reason + "; " + frozenReason : frozenReason.toString();
			stalled = true;
		}
		Status status = new Status(stalled, reason, inFlight, waiting, lag, since, lags, frozen);
		this.last = status;
		this.lastCheckedAt = System.nanoTime();
		this.checked = true;
		return status;
	}

	/**
	 * Return what the last {@link #check()} found if it is younger than the given age, else
	 * look again: callers that ask many times in a row (one per queue) share one round trip
	 * to the broker.
	 * @param maxAge the oldest status that will do
	 * @return the status
	 */
	public Status recentStatus(Duration maxAge) {
		if (this.checked && System.nanoTime() - this.lastCheckedAt < maxAge.toNanos()) {
			return this.last;
		}
		return check();
	}

	/**
	 * Return what the last {@link #check()} found, without looking again.
	 * @return the last status
	 */
	public Status lastStatus() {
		return this.last;
	}

	/**
	 * Read the lag of each assigned partition: its end offset less the group's committed
	 * offset.
	 */
	private Map<TopicPartition, Long> lags() {
		Map<String, Object> config = this.adminConfig;
		Set<TopicPartition> assignment = this.worker.getAssignment();
		if (config == null || assignment.isEmpty()) {
			return Map.of();
		}
		try {
			Admin client = admin(config);
			Map<TopicPartition, OffsetAndMetadata> committed = client
				.listConsumerGroupOffsets(this.worker.getSettings().groupId())
				.partitionsToOffsetAndMetadata()
				.get(5, TimeUnit.SECONDS);
			Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
			assignment.forEach((partition) -> latest.put(partition, OffsetSpec.latest()));
			Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = client.listOffsets(latest)
				.all()
				.get(5, TimeUnit.SECONDS);
			Map<TopicPartition, Long> lags = new HashMap<>();
			for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
				OffsetAndMetadata at = committed.get(end.getKey());
				lags.put(end.getKey(), Math.max(0, end.getValue().offset() - ((at != null) ? at.offset() : 0)));
			}
			return lags;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return Map.of();
		}
	}

	/**
	 * What a worker is doing.
	 *
	 * @param stalled whether it has stalled
	 * @param reason why it counts as stalled, or {@code null}
	 * @param inFlight tasks running
	 * @param waiting records waiting to start
	 * @param lag records of its partitions not yet committed
	 * @param sinceProgress time since a task last finished or an offset last moved
	 * @param partitionLag lag by assigned partition (empty when it could not be read)
	 * @param frozenCommits partitions whose commit has not moved for longer than the stall
	 * timeout although records after its lowest unfinished one finished, with that record's
	 * offset
	 */
	public record Status(boolean stalled, @Nullable String reason, int inFlight, int waiting, long lag,
			Duration sinceProgress, Map<TopicPartition, Long> partitionLag, Map<TopicPartition, Long> frozenCommits) {

		public Status {
			partitionLag = Map.copyOf(partitionLag);
			frozenCommits = Map.copyOf(frozenCommits);
		}

	}

}
