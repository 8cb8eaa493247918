package dev.kafkatask.benchmarks;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PartitionKeys}.
 *
 * @author kafka-task
 */
class PartitionKeysTests {

	@Test
	void eachKeyGoesToItsPartitionWithTheProducersPartitioner() {
		String[] keys = PartitionKeys.of(6);
		assertThat(keys).hasSize(6).doesNotContainNull();
		for (int p = 0; p < keys.length; p++) {
			assertThat(BuiltInPartitioner.partitionForKey(keys[p].getBytes(StandardCharsets.UTF_8), 6)).isEqualTo(p);
		}
	}

}
