package dev.kafkatask.kafka.worker;

/**
 * In what order a worker may run the records of one partition.
 *
 * @author kafka-task
 */
public enum OrderingMode {

	/**
	 * Any order: every record runs as soon as there is capacity. A slow task never holds back
	 * another. The default.
	 */
	UNORDERED,

	/**
	 * Records with the same key run one after another, in offset order; records with different
	 * keys (and records without a key) run in parallel.
	 */
	KEY,

	/**
	 * One record of the partition at a time, in offset order, like a classic consumer.
	 */
	PARTITION

}
