package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Reads the group's committed offsets of the task topic every {@link #INTERVAL} and gives
 * them to the current {@link FaultLedger}, stamped with the time the answer came (the offsets
 * were committed by then). While the group coordinator is unreachable, no sample is taken.
 *
 * @author kafka-task
 */
final class CommitSampler implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofMillis(200);

	private final Admin admin;

	private final String group;

	private final String topic;

	private final Supplier<@Nullable FaultLedger> ledger;

	private final Thread thread;

	private volatile boolean running = true;

	private volatile long failures;

	CommitSampler(String bootstrapServers, String group, String topic, Supplier<@Nullable FaultLedger> ledger) {
		this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				AdminClientConfig.CLIENT_ID_CONFIG, "faults-commit-sampler", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
				2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
		this.group = group;
		this.topic = topic;
		this.ledger = ledger;
		this.thread = Thread.ofPlatform().daemon(true).name("faults-commit-sampler").start(this::sample);
	}

	private void sample() {
		while (this.running) {
			long next = System.nanoTime() + INTERVAL.toNanos();
			try {
				Map<TopicPartition, OffsetAndMetadata> offsets = this.admin.listConsumerGroupOffsets(this.group)
					.partitionsToOffsetAndMetadata()
					.get(3, TimeUnit.SECONDS);
				long at = System.currentTimeMillis();
				Map<Integer, Long> byPartition = new HashMap<>();
				offsets.forEach((partition, offset) -> {
					if (partition.topic().equals(this.topic) && offset != null) {
						byPartition.put(partition.partition(), offset.offset());
					}
				});
				FaultLedger current = this.ledger.get();
				if (current != null) {
					current.committed(at, byPartition);
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (Exception ex) {
				this.failures++;
			}
			long wait = next - System.nanoTime();
			if (wait > 0) {
				try {
					Thread.sleep(Duration.ofNanos(wait));
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}
	}

	long failures() {
		return this.failures;
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.admin.close(Duration.ofSeconds(2));
	}

}
