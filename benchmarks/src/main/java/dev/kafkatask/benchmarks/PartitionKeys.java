package dev.kafkatask.benchmarks;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * Record keys that the producer's default partitioner sends to each partition, so that a
 * benchmark can place tasks in the partition it wants.
 *
 * @author kafka-task
 */
final class PartitionKeys {

	private PartitionKeys() {
	}

	/**
	 * Return one key per partition.
	 * @param partitions the number of partitions
	 * @return the keys, the key of partition {@code p} at index {@code p}
	 */
	static String[] of(int partitions) {
		String[] keys = new String[partitions];
		int found = 0;
		for (int i = 0; found < partitions; i++) {
			String key = "k" + i;
			int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
			if (keys[partition] == null) {
				keys[partition] = key;
				found++;
			}
		}
		return keys;
	}

}
