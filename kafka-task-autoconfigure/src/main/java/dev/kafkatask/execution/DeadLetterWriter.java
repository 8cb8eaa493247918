package dev.kafkatask.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * Writes the dead letters of deliveries, for as long as it takes: a write that fails is
 * counted and tried again after a back-off (doubling up to a maximum), while its delivery
 * waits unsettled, so that nothing is dropped; the deliveries waiting are listed for health.
 *
 * @author kafka-task
 */
final class DeadLetterWriter {

	private static final Log logger = LogFactory.getLog(DeadLetterWriter.class);

	private final TaskObserver observer;

	private final Clock clock;

	/**
	 * By delivery (identity: RabbitMQ delivery tags repeat across channels).
	 */
	private final Map<TaskDelivery, PendingDeadLetter> pending = new ConcurrentHashMap<>();

	private volatile Duration initialBackoff = Duration.ofMillis(100);

	private volatile Duration maxBackoff = Duration.ofSeconds(10);

	DeadLetterWriter(TaskObserver observer, Clock clock) {
		this.observer = observer;
		this.clock = clock;
	}

	void setBackoff(Duration initialBackoff, Duration maxBackoff) {
		this.initialBackoff = initialBackoff;
		this.maxBackoff = maxBackoff;
	}

	/**
	 * Write a dead letter of a delivery, and count it once written.
	 * @param delivery the delivery
	 * @param task the task name to count it under
	 * @param letter what to write and why
	 * @throws InterruptedException if interrupted before it was written: the delivery stays
	 * unsettled
	 * @throws DeliveryLostException if it could not be written and the delivery is no longer
	 * this worker's: it stays unsettled
	 */
	void write(TaskDelivery delivery, String task, TaskDelivery.DeadLetter letter) throws InterruptedException {
		long backoff = this.initialBackoff.toMillis();
		Instant since = null;
		try {
			while (true) {
				try {
					delivery.deadLetter(letter);
					break;
				}
				catch (InterruptedException ex) {
					throw ex;
				}
				catch (Exception ex) {
					since = (since != null) ? since : this.clock.instant();
					this.pending.put(delivery, new PendingDeadLetter(delivery.backend(),
							(delivery.backend() == Backend.KAFKA) ? delivery.cluster() : null,
							delivery.queue(), delivery.describe(), letter.reason(), String.valueOf(ex), since));
					this.observer.deadLetterFailed(delivery.queue(), delivery.backend(), delivery.cluster(), ex);
					if (!delivery.isOwned()) {
						throw new DeliveryLostException(delivery.describe() + " is no longer this worker's while its dead"
								+ " letter could not be written (" + ex + "); its new owner runs it again");
					}
					logger.error("Could not dead-letter " + delivery.describe() + onCluster(delivery) + " ("
							+ letter.reason() + "); it waits, and the dead letter is tried again in " + backoff
							+ " ms: " + ex);
					Thread.sleep(backoff);
					backoff = Math.min(backoff * 2, this.maxBackoff.toMillis());
				}
			}
		}
		finally {
			if (since != null) {
				this.pending.remove(delivery);
			}
		}
		logger.warn(delivery.describe() + " dead-lettered (" + letter.reason() + "): " + letter.cause().getMessage());
		this.observer.deadLettered(task, delivery.queue(), delivery.backend(), delivery.cluster(), letter.reason());
	}

	private static String onCluster(TaskDelivery delivery) {
		String cluster = delivery.cluster();
		return (cluster != null && !Route.DEFAULT_CLUSTER.equals(cluster)) ? " on Kafka cluster '" + cluster + "'" : "";
	}

	List<PendingDeadLetter> pending() {
		return new ArrayList<>(this.pending.values());
	}

}
