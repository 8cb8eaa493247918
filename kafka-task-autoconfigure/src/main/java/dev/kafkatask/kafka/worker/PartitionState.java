package dev.kafkatask.kafka.worker;

import org.apache.kafka.common.TopicPartition;

/**
 * What a worker is doing with one of its assigned partitions.
 *
 * @param partition the partition
 * @param inFlight its tasks running
 * @param buffered its polled records waiting to start
 * @param paused whether the consumer has paused it
 * @param committedOffset the offset the worker last committed for it, or {@code -1}
 * before its first commit
 * @author kafka-task
 */
public record PartitionState(TopicPartition partition, int inFlight, int buffered, boolean paused,
		long committedOffset) {

}
