package dev.kafkatask.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Whether a worker's heap and threads stayed flat through the soak, from its {@code STATS}
 * samples: the median of the first third of the samples against the median of the last
 * third, and the slope of the heap (least squares). Flat means: the heap after GC grew by at
 * most {@value #HEAP_GROWTH_PERCENT} % plus {@value #HEAP_SLACK_MB} MB, the platform threads
 * by at most {@value #THREAD_SLACK}, the open file descriptors by at most
 * {@value #FD_SLACK}.
 *
 * @author kafka-task
 */
final class SoakStats {

	static final int HEAP_GROWTH_PERCENT = 20;

	static final int HEAP_SLACK_MB = 5;

	static final int THREAD_SLACK = 5;

	static final int FD_SLACK = 10;

	/**
	 * Fewest samples to judge by: three per third.
	 */
	static final int MIN_SAMPLES = 9;

	private SoakStats() {
	}

	/**
	 * Return the figures of one worker's samples taken between two times.
	 * @param samples the worker's samples
	 * @param from first time, epoch ms
	 * @param to last time, epoch ms
	 * @return the figures, with {@code flat} ({@code null} with fewer than
	 * {@link #MIN_SAMPLES} samples)
	 */
	static Map<String, Object> of(List<WorkerJvm.Stats> samples, long from, long to) {
		List<WorkerJvm.Stats> window = samples.stream()
			.filter((sample) -> sample.at() >= from && sample.at() <= to)
			.toList();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("samples", window.size());
		if (window.size() < MIN_SAMPLES) {
			figures.put("flat", null);
			return figures;
		}
		int third = window.size() / 3;
		List<WorkerJvm.Stats> first = window.subList(0, third);
		List<WorkerJvm.Stats> last = window.subList(window.size() - third, window.size());
		double heapFirst = median(first, WorkerJvm.Stats::heapMb);
		double heapLast = median(last, WorkerJvm.Stats::heapMb);
		double threadsFirst = median(first, WorkerJvm.Stats::threads);
		double threadsLast = median(last, WorkerJvm.Stats::threads);
		double fdsFirst = median(first, WorkerJvm.Stats::fds);
		double fdsLast = median(last, WorkerJvm.Stats::fds);
		figures.put("heapFirstMb", round(heapFirst));
		figures.put("heapLastMb", round(heapLast));
		figures.put("heapMaxMb", round(window.stream().mapToDouble(WorkerJvm.Stats::heapMb).max().orElse(0)));
		figures.put("heapSlopeMbPerMin", round(slopePerMinute(window)));
		figures.put("threadsFirst", threadsFirst);
		figures.put("threadsLast", threadsLast);
		figures.put("threadsMax", window.stream().mapToInt(WorkerJvm.Stats::threads).max().orElse(0));
		figures.put("rssFirstMb", median(first, WorkerJvm.Stats::rssMb));
		figures.put("rssLastMb", median(last, WorkerJvm.Stats::rssMb));
		figures.put("fdsFirst", fdsFirst);
		figures.put("fdsLast", fdsLast);
		boolean flat = heapLast <= heapFirst * (100 + HEAP_GROWTH_PERCENT) / 100 + HEAP_SLACK_MB
				&& threadsLast <= threadsFirst + THREAD_SLACK && fdsLast <= fdsFirst + FD_SLACK;
		figures.put("flat", flat);
		return figures;
	}

	private static double median(List<WorkerJvm.Stats> samples, ToDoubleFunction<WorkerJvm.Stats> value) {
		double[] values = samples.stream().mapToDouble(value).sorted().toArray();
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	/**
	 * Return the least-squares slope of the heap over time, in MB per minute.
	 */
	private static double slopePerMinute(List<WorkerJvm.Stats> samples) {
		double[] minutes = samples.stream().mapToDouble((sample) -> sample.at() / 60_000.0).toArray();
		double[] heap = samples.stream().mapToDouble(WorkerJvm.Stats::heapMb).toArray();
		double meanX = Arrays.stream(minutes).average().orElse(0);
		double meanY = Arrays.stream(heap).average().orElse(0);
		double covariance = 0;
		double variance = 0;
		for (int i = 0; i < minutes.length; i++) {
			covariance += (minutes[i] - meanX) * (heap[i] - meanY);
			variance += (minutes[i] - meanX) * (minutes[i] - meanX);
		}
		return (variance > 0) ? covariance / variance : 0;
	}

	private static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

}
