package dev.kafkatask.kafka.worker;

import java.util.Collection;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.ResultPublisher;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.routing.Route;

/**
 * Hands each task record to the {@link DeliveryHandler}, which takes it to exactly one
 * outcome, as a {@link KafkaTaskDelivery}: what is Kafka's about settling a record (its
 * dead-letter topic, the delay tiers, reply topics) is here; everything else is shared with
 * the RabbitMQ leg.
 *
 * @author kafka-task
 */
public class TaskRecordHandler {

	private final EnvelopeCodec codec;

	private final DeliveryHandler deliveries;

	private final DeadLetterPublisher deadLetters;

	private final TaskTopics topics;

	private final @Nullable DelayedTaskPublisher delays;

	private volatile @Nullable ResultPublisher results;

	private volatile Set<String> replyTopics = Set.of();

	private volatile int maxDeliveries;

	private volatile String cluster = Route.DEFAULT_CLUSTER;

	/**
	 * Create a handler.
	 * @param codec the envelope codec
	 * @param deliveries takes records to their outcome
	 * @param deadLetters writes dead letters
	 * @param topics the topics of queues
	 * @param delays writes retries and tasks not due yet, or {@code null} if there are no
	 * delay tiers (such tasks are then dead-lettered {@code delay-failed})
	 */
	public TaskRecordHandler(EnvelopeCodec codec, DeliveryHandler deliveries, DeadLetterPublisher deadLetters,
			TaskTopics topics, @Nullable DelayedTaskPublisher delays) {
		this.codec = codec;
		this.deliveries = deliveries;
		this.deadLetters = deadLetters;
		this.topics = topics;
		this.delays = delays;
	}

	/**
	 * Set where results go for dispatches that ask for them, and which topics they may ask
	 * for: a task whose {@code reply_to} names another topic is dead-lettered
	 * {@code forbidden-destination}, so that no record makes the worker write elsewhere.
	 * @param results the result publisher, or {@code null} to drop results
	 * @param replyTopics the topics results may go to
	 */
	public void setResultPublisher(@Nullable ResultPublisher results, Collection<String> replyTopics) {
		this.results = results;
		this.replyTopics = Set.copyOf(replyTopics);
	}

	/**
	 * Set the Kafka cluster whose records this handler takes (one handler per cluster's
	 * worker), that the events of their tasks belong to, and where their dead letters are
	 * written: a dead letter that cannot be written is told apart by it;
	 * {@value Route#DEFAULT_CLUSTER} by default.
	 * @param cluster the cluster
	 */
	public void setCluster(String cluster) {
		Assert.hasText(cluster, "'cluster' must not be empty");
		this.cluster = cluster;
	}

	/**
	 * Return the Kafka cluster whose records this handler takes.
	 * @return the cluster
	 */
	public String getCluster() {
		return this.cluster;
	}

	/**
	 * Handle a record on the calling thread, to its outcome.
	 * @param record the record
	 * @param onSettled told once, when the record is settled (possibly from another thread,
	 * for a task abandoned at its hard time limit)
	 * @throws InterruptedException if interrupted before the record was settled; it must
	 * then not be counted as finished
	 */
	public void handle(ConsumerRecord<String, byte[]> record, DeliveryHandler.Settled onSettled)
			throws InterruptedException {
		handle(record, onSettled, () -> true);
	}

	/**
	 * Handle a record on the calling thread, to its outcome, for as long as this worker
	 * still owns its partition.
	 * @param record the record
	 * @param onSettled told once, when the record is settled
	 * @param owned whether this worker still owns the record's partition: a dead letter that
	 * cannot be written is given up once it does not (the new owner runs the record again)
	 * @throws InterruptedException if interrupted before the record was settled
	 */
	public void handle(ConsumerRecord<String, byte[]> record, DeliveryHandler.Settled onSettled,
			BooleanSupplier owned) throws InterruptedException {
		handle(record, (abandoned, deadLettered) -> onSettled.settled(abandoned), owned);
	}

	/**
	 * Handle a record on the calling thread, to its outcome, telling how it was settled.
	 * @param record the record
	 * @param onSettled told once, when the record is settled, and whether it was settled by
	 * writing its dead letter
	 * @param owned whether this worker still owns the record
	 * @throws InterruptedException if interrupted before the record was settled
	 */
	public void handle(ConsumerRecord<String, byte[]> record, RecordSettled onSettled, BooleanSupplier owned)
			throws InterruptedException {
		KafkaTaskDelivery delivery = new KafkaTaskDelivery(record, this, owned);
		this.deliveries.handle(delivery, (abandoned) -> onSettled.settled(abandoned, delivery.isDeadLettered()));
	}

	/**
	 * Set how many times a share group may deliver a record before it is dead-lettered
	 * {@code max-deliveries} instead of run: its earlier deliveries ended without an outcome
	 * (the workers that had it were killed, or lost it while it ran). Consumer groups give
	 * no delivery count: their records are never refused for it.
	 * @param maxDeliveries the most deliveries that run, or {@code 0} for no limit
	 */
	public void setMaxDeliveries(int maxDeliveries) {
		Assert.isTrue(maxDeliveries >= 0, "'maxDeliveries' must not be negative");
		this.maxDeliveries = maxDeliveries;
	}

	int maxDeliveries() {
		return this.maxDeliveries;
	}

	/**
	 * Return the handler that takes deliveries to their outcome.
	 * @return the delivery handler
	 */
	public DeliveryHandler getDeliveryHandler() {
		return this.deliveries;
	}

	EnvelopeCodec codec() {
		return this.codec;
	}

	DeadLetterPublisher deadLetters() {
		return this.deadLetters;
	}

	TaskTopics topics() {
		return this.topics;
	}

	@Nullable DelayedTaskPublisher delays() {
		return this.delays;
	}

	@Nullable ResultPublisher results() {
		return this.results;
	}

	/**
	 * Told once a record handled by {@link TaskRecordHandler} is settled.
	 */
	@FunctionalInterface
	public interface RecordSettled {

		/**
		 * The record is settled.
		 * @param abandoned whether it was settled while its task's thread still ran, stuck
		 * @param deadLettered whether it was settled by writing its dead letter
		 */
		void settled(boolean abandoned, boolean deadLettered);

	}

	boolean isReplyTopic(String topic) {
		return this.replyTopics.contains(topic);
	}

}
