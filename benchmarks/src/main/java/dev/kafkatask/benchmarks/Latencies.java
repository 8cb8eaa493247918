package dev.kafkatask.benchmarks;

import java.util.Arrays;

/**
 * Percentiles of latencies.
 *
 * @author kafka-task
 */
final class Latencies {

	private final long[] sorted;

	Latencies(long[] nanos) {
		this.sorted = nanos.clone();
		Arrays.sort(this.sorted);
	}

	int count() {
		return this.sorted.length;
	}

	/**
	 * Return a percentile by the nearest-rank method.
	 * @param percent the percentile, {@code 0 < percent <= 100}
	 * @return it in milliseconds, {@code NaN} when there are no latencies
	 */
	double percentileMs(double percent) {
		if (this.sorted.length == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(percent / 100.0 * this.sorted.length);
		return this.sorted[Math.clamp(rank - 1, 0, this.sorted.length - 1)] / 1e6;
	}

	double maxMs() {
		return (this.sorted.length > 0) ? this.sorted[this.sorted.length - 1] / 1e6 : Double.NaN;
	}

}
