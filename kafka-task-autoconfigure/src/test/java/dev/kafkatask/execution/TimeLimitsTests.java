package dev.kafkatask.execution;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TimeLimits}.
 *
 * @author kafka-task
 */
class TimeLimitsTests {

	private final TimeLimits limits = new TimeLimits();

	@Test
	void whenRunsEndThenTheirTimersLeaveTheQueue() {
		// At 1,000 tasks a second with time_limit=3600, timers kept until they expire would
		// be millions: those of runs that ended must go at once.
		Thread thread = Thread.currentThread();
		for (int i = 0; i < 10_000; i++) {
			TimeLimits.Guard guard = this.limits.watch(thread, "t", "id-" + i, Duration.ofHours(1),
					Duration.ofHours(2), () -> {
					}, () -> {
					});
			assertThat(guard.end()).isFalse();
		}
		assertThat(this.limits.scheduled()).isZero();
	}

	@Test
	void whenSoftLimitInterruptedARunThenTheInterruptIsClearedWhenItEnds() throws Exception {
		AtomicBoolean interruptedAfterEnd = new AtomicBoolean(true);
		AtomicBoolean sawInterrupt = new AtomicBoolean();
		CountDownLatch done = new CountDownLatch(1);
		Thread.ofVirtual().start(() -> {
			TimeLimits.Guard guard = this.limits.watch(Thread.currentThread(), "t", "id", Duration.ofMillis(20), null,
					() -> {
					}, () -> {
					});
			try {
				Thread.sleep(10_000);
			}
			catch (InterruptedException ex) {
				sawInterrupt.set(true);
				// a task that catches the interrupt and restores it, as it should
				Thread.currentThread().interrupt();
			}
			guard.end();
			interruptedAfterEnd.set(Thread.currentThread().isInterrupted());
			done.countDown();
		});
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(sawInterrupt).isTrue();
		assertThat(interruptedAfterEnd).as("the retry, result or dead letter that follows must not be cut short")
			.isFalse();
	}

	@Test
	void whenRunEndsBeforeItsSoftLimitThenItIsNeverInterrupted() throws Exception {
		AtomicBoolean softFired = new AtomicBoolean();
		// A limit no run of this test reaches, however loaded the machine (a 50 ms one was
		// reached before end() on a busy machine): what matters is that end() takes the
		// timer out, so that it can never fire.
		TimeLimits.Guard guard = this.limits.watch(Thread.currentThread(), "t", "id", Duration.ofSeconds(30), null,
				() -> softFired.set(true), () -> {
				});
		assertThat(this.limits.scheduled()).isEqualTo(1);
		assertThat(guard.end()).isFalse();
		assertThat(this.limits.scheduled()).isZero();
		assertThat(softFired).isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void whenHardLimitPassesThenTheRunIsAbandonedOnceAndEndSaysSo() {
		CountDownLatch abandoned = new CountDownLatch(1);
		TimeLimits.Guard guard = this.limits.watch(Thread.currentThread(), "t", "id", null, Duration.ofMillis(20),
				() -> {
				}, abandoned::countDown);
		await().atMost(Duration.ofSeconds(5)).until(() -> abandoned.getCount() == 0);
		assertThat(guard.end()).isTrue();
		assertThat(Thread.currentThread().isInterrupted()).as("its interrupt is cleared").isFalse();
		assertThat(this.limits.scheduled()).isZero();
	}

}
