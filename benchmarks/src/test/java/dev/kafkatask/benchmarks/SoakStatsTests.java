package dev.kafkatask.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SoakStats}.
 *
 * @author kafka-task
 */
class SoakStatsTests {

	private static final long T0 = 1_800_000_000_000L;

	@Test
	void whenHeapThreadsAndFilesStayThenTheWorkerIsFlat() {
		List<WorkerJvm.Stats> samples = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			samples.add(new WorkerJvm.Stats(T0 + i * 15_000L, 40 + (i % 3), 30 + (i % 2), 200, 120));
		}
		Map<String, Object> figures = SoakStats.of(samples, T0, T0 + 600_000);
		assertThat(figures).containsEntry("samples", 40).containsEntry("flat", true);
		assertThat((double) figures.get("heapSlopeMbPerMin")).isBetween(-0.2, 0.2);
		assertThat(figures).containsEntry("threadsMax", 31);
	}

	@Test
	void whenTheHeapGrowsThenTheWorkerIsNotFlat() {
		List<WorkerJvm.Stats> samples = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			// 1 MB per sample, 4 MB per minute
			samples.add(new WorkerJvm.Stats(T0 + i * 15_000L, 40 + i, 30, 200, 120));
		}
		Map<String, Object> figures = SoakStats.of(samples, T0, T0 + 600_000);
		assertThat(figures).containsEntry("flat", false).containsEntry("heapFirstMb", 46.0).containsEntry("heapLastMb",
				73.0);
		assertThat((double) figures.get("heapSlopeMbPerMin")).isEqualTo(4.0);
	}

	@Test
	void whenThreadsOrFilesLeakThenTheWorkerIsNotFlat() {
		List<WorkerJvm.Stats> threads = new ArrayList<>();
		List<WorkerJvm.Stats> files = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			threads.add(new WorkerJvm.Stats(T0 + i * 15_000L, 40, 30 + i, 200, 120));
			files.add(new WorkerJvm.Stats(T0 + i * 15_000L, 40, 30, 200, 120 + i));
		}
		assertThat(SoakStats.of(threads, T0, T0 + 600_000)).containsEntry("flat", false);
		assertThat(SoakStats.of(files, T0, T0 + 600_000)).containsEntry("flat", false);
	}

	@Test
	void whenTooFewSamplesFallInTheWindowThenNothingIsJudged() {
		List<WorkerJvm.Stats> samples = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			samples.add(new WorkerJvm.Stats(T0 + i * 15_000L, 40, 30, 200, 120));
		}
		Map<String, Object> figures = SoakStats.of(samples, T0 + 500_000, T0 + 600_000);
		assertThat(figures).containsEntry("samples", 6).containsEntry("flat", null);
		assertThat(figures).doesNotContainKey("heapFirstMb");
	}

}
