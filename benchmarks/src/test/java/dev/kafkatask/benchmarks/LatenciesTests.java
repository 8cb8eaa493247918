package dev.kafkatask.benchmarks;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Latencies}.
 *
 * @author kafka-task
 */
class LatenciesTests {

	@Test
	void percentilesUseTheNearestRank() {
		Latencies latencies = new Latencies(LongStream.rangeClosed(1, 100).map((ms) -> ms * 1_000_000).toArray());
		assertThat(latencies.percentileMs(50)).isEqualTo(50.0);
		assertThat(latencies.percentileMs(99)).isEqualTo(99.0);
		assertThat(latencies.percentileMs(100)).isEqualTo(100.0);
		assertThat(latencies.maxMs()).isEqualTo(100.0);
	}

	@Test
	void withoutLatenciesPercentilesAreNotANumber() {
		assertThat(new Latencies(new long[0]).percentileMs(99)).isNaN();
	}

}
