package dev.kafkatask.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RateLimiter}: Celery's rate spellings and evenly spaced slots. Slots here
 * are an hour apart or reach an hour ahead, so the time the test itself takes between
 * reservations (under {@link #SLACK}) cannot make a slot look early or late.
 *
 * @author kafka-task
 */
class RateLimiterTests {

	private static final Duration SLACK = Duration.ofMinutes(1);

	@Test
	void whenNoSlotWasTakenThenTheFirstRunMayStartNow() {
		assertThat(RateLimiter.of("1/h").reserve()).isZero();
	}

	@Test
	void whenSlotsAreTakenInARowThenEachLiesOneIntervalAfterTheLast() {
		RateLimiter limiter = RateLimiter.of("1/h");
		limiter.reserve();
		assertThat(limiter.reserve()).isBetween(Duration.ofHours(1).minus(SLACK), Duration.ofHours(1));
		assertThat(limiter.reserve()).isBetween(Duration.ofHours(2).minus(SLACK), Duration.ofHours(2));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "3600/h, 3600", "60/m, 3600", "1/s, 3600", "1, 3600", "' 2/S ', 7200", "0.5/s, 1800",
			"100/m, 6000" })
	void whenRateIsSpelledAnyCeleryWayThenItsRunsInAnHourReachAnHourAhead(String rate, int runsPerHour) {
		RateLimiter limiter = RateLimiter.of(rate);
		limiter.reserve();
		Duration last = Duration.ZERO;
		for (int run = 1; run <= runsPerHour; run++) {
			last = limiter.reserve();
		}
		assertThat(last).isBetween(Duration.ofHours(1).minus(SLACK), Duration.ofHours(1));
	}

	@Test
	void whenManyThreadsReserveAtOnceThenEachGetsASlotOfItsOwn() throws Exception {
		RateLimiter limiter = RateLimiter.of("1/h");
		int runs = 200;
		List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch go = new CountDownLatch(1);
		try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
			for (int run = 0; run < runs; run++) {
				threads.execute(() -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					waits.add(limiter.reserve());
				});
			}
			go.countDown();
		}
		List<Duration> sorted = waits.stream().sorted().toList();
		assertThat(sorted).hasSize(runs);
		for (int slot = 0; slot < runs; slot++) {
			assertThat(sorted.get(slot)).as("slot %d", slot)
				.isBetween(Duration.ofHours(slot).minus(SLACK), Duration.ofHours(slot));
		}
	}

	@ParameterizedTest(name = "''{0}''")
	@ValueSource(strings = { "", "fast", "0", "0/s", "-1/s", "10/d", "10/s/s", "/s", "NaN", "Infinity", "1/", "10d",
			"1e3", "0.00001/h", "0.00001" })
	void whenRateIsNotACeleryRateThenItIsRefusedNamingIt(String rate) {
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimiter.of(rate))
			.withMessage("Rate limit '" + rate
					+ "' is not <count>, <count>/s, <count>/m or <count>/h, above 0 and at least one a day");
	}

}
