package dev.kafkatask.kafka.worker;

/**
 * How a worker consumes a queue's topics.
 *
 * @author kafka-task
 */
public enum ConsumptionMode {

	/**
	 * A consumer group: each partition is one worker's at a time, offsets are committed up to
	 * the lowest unfinished record, and every {@link OrderingMode} is available.
	 */
	GROUP,

	/**
	 * A share group (KIP-932, "queues for Kafka"): records of every partition go to any
	 * worker, each acknowledged on its own, with more workers than partitions if wanted.
	 * Unordered queues only.
	 */
	SHARE

}
