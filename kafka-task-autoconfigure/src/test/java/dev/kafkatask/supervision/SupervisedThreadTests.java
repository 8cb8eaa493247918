package dev.kafkatask.supervision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

import dev.kafkatask.metrics.KafkaTaskMetrics;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOwners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SupervisedThread}.
 *
 * @author kafka-task
 */
class SupervisedThreadTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final TaskObserver observer = new TaskObserver() {

		@Override
		public void backgroundFailure(String thread, Throwable failure) {
			SupervisedThreadTests.this.failures.add(thread + ": " + failure.getMessage());
		}

	};

	private SupervisedThread thread;

	@AfterEach
	void stopThread() {
		if (this.thread != null) {
			this.thread.stop(TIMEOUT);
		}
	}

	@Test
	void whenAnIterationThrowsThenTheFailureIsCountedRecoveredFromAndTheThreadGoesOn() {
		AtomicInteger iterations = new AtomicInteger();
		List<String> recovered = new CopyOnWriteArrayList<>();
		this.thread = new SupervisedThread("test", "test-thread", new SupervisedThread.Loop() {

			@Override
			public void iterate() {
				int iteration = iterations.incrementAndGet();
				if (iteration <= 2) {
					throw new IllegalStateException("failure " + iteration);
				}
			}

			@Override
			public void recover(Throwable failure) {
				recovered.add(failure.getMessage());
			}

		}, this.observer);
		this.thread.setBackOff(new FixedBackOff(10));
		this.thread.start();
		await().atMost(TIMEOUT).until(() -> iterations.get() > 10);
		assertThat(this.failures).containsExactly("test: failure 1", "test: failure 2");
		assertThat(recovered).containsExactly("failure 1", "failure 2");
		assertThat(this.thread.status().failing()).isFalse();
		assertThat(this.thread.isRunning()).isTrue();
	}

	@Test
	void whenAnIterationThrowsAnErrorThenTheThreadStillGoesOn() {
		AtomicInteger iterations = new AtomicInteger();
		this.thread = new SupervisedThread("test", "test-thread", () -> {
			if (iterations.incrementAndGet() == 1) {
				throw new StackOverflowError("deep");
			}
		}, this.observer);
		this.thread.setBackOff(new FixedBackOff(10));
		this.thread.start();
		await().atMost(TIMEOUT).until(() -> iterations.get() > 3);
		assertThat(this.failures).containsExactly("test: deep");
	}

	@Test
	void whileIterationsFailThenTheStatusTellsHowManyInARowSinceWhenAndWhyUntilOneSucceeds() {
		Instant now = Instant.parse("2026-12-02T10:00:00Z");
		CountDownLatch recover = new CountDownLatch(1);
		AtomicInteger iterations = new AtomicInteger();
		this.thread = new SupervisedThread("test", "test-thread", () -> {
			iterations.incrementAndGet();
			if (recover.getCount() > 0) {
				throw new IllegalStateException("broker gone");
			}
		}, this.observer);
		this.thread.setBackOff(new FixedBackOff(10));
		this.thread.setClock(Clock.fixed(now, ZoneOffset.UTC));
		assertThat(this.thread.status().failing()).isFalse();
		this.thread.start();
		await().atMost(TIMEOUT).until(() -> this.thread.status().consecutiveFailures() >= 3);
		SupervisedThread.Status failing = this.thread.status();
		assertThat(failing.failing()).isTrue();
		assertThat(failing.lastFailure()).hasMessage("broker gone");
		assertThat(failing.failingSince()).isEqualTo(now);
		recover.countDown();
		await().atMost(TIMEOUT).until(() -> !this.thread.status().failing());
		assertThat(this.thread.status()).isEqualTo(SupervisedThread.Status.HEALTHY);
	}

	@Test
	void whenAnIterationSucceedsThenTheBackOffStartsAgainFromItsFirstInterval() {
		List<Long> waits = new CopyOnWriteArrayList<>();
		BackOff doubling = () -> {
			AtomicInteger attempt = new AtomicInteger();
			return () -> {
				long wait = 5L << attempt.getAndIncrement();
				waits.add(wait);
				return wait;
			};
		};
		AtomicInteger iterations = new AtomicInteger();
		this.thread = new SupervisedThread("test", "test-thread", () -> {
			int iteration = iterations.incrementAndGet();
			// fails twice, succeeds, fails twice again, then succeeds for good
			if (iteration == 1 || iteration == 2 || iteration == 4 || iteration == 5) {
				throw new IllegalStateException("failure " + iteration);
			}
		}, this.observer);
		this.thread.setBackOff(doubling);
		this.thread.start();
		await().atMost(TIMEOUT).until(() -> iterations.get() > 6);
		assertThat(waits).containsExactly(5L, 10L, 5L, 10L);
	}

	@Test
	void whenStoppedThenTheLoopIsWokenUpAndClosedAndNoFailureIsCounted() throws Exception {
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch wakeUp = new CountDownLatch(1);
		CountDownLatch closed = new CountDownLatch(1);
		this.thread = new SupervisedThread("test", "test-thread", new SupervisedThread.Loop() {

			@Override
			public void iterate() throws InterruptedException {
				blocked.countDown();
				if (wakeUp.await(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("woken up");
				}
			}

			@Override
			public void wakeUp() {
				wakeUp.countDown();
			}

			@Override
			public void close() {
				closed.countDown();
			}

		}, this.observer);
		this.thread.start();
		assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.thread.stop(TIMEOUT)).isTrue();
		assertThat(closed.getCount()).isZero();
		assertThat(this.thread.isRunning()).isFalse();
		assertThat(this.failures).isEmpty();
	}

	@Test
	void whenStoppedDuringABackOffThenItEndsWithoutWaitingItOut() {
		AtomicInteger iterations = new AtomicInteger();
		this.thread = new SupervisedThread("test", "test-thread", () -> {
			iterations.incrementAndGet();
			throw new IllegalStateException("always");
		}, this.observer);
		this.thread.setBackOff(new FixedBackOff(Duration.ofHours(1).toMillis()));
		this.thread.start();
		await().atMost(TIMEOUT).until(() -> iterations.get() == 1 && this.failures.size() == 1);
		long started = System.nanoTime();
		assertThat(this.thread.stop(TIMEOUT)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		assertThat(iterations.get()).isEqualTo(1);
	}

	@Test
	void whenAnIntervalIsSetThenGoodIterationsAreSpacedByIt() {
		List<Long> times = new CopyOnWriteArrayList<>();
		this.thread = new SupervisedThread("test", "test-thread", () -> times.add(System.nanoTime()), this.observer);
		this.thread.setInterval(Duration.ofMillis(100));
		this.thread.start();
		await().atMost(TIMEOUT).until(() -> times.size() >= 3);
		assertThat(Duration.ofNanos(times.get(2) - times.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(190));
	}

	@Test
	void whenAnIterationFailsThenKafkaTaskBackgroundFailuresIsCountedByThread() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		KafkaTaskMetrics metrics = new KafkaTaskMetrics(TaskOwners.none());
		metrics.bindTo(registry);
		AtomicInteger iterations = new AtomicInteger();
		this.thread = new SupervisedThread("replies", "test-thread", () -> {
			if (iterations.incrementAndGet() <= 3) {
				throw new IllegalStateException("failure");
			}
		}, metrics);
		this.thread.setBackOff(new FixedBackOff(10));
		this.thread.start();
		await().atMost(TIMEOUT).until(() -> iterations.get() > 3);
		assertThat(registry.get("kafka.task.background.failures").tag("thread", "replies").counter().count())
			.isEqualTo(3);
	}

}
