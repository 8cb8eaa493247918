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
					}, false);
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
					}, false);
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
				}, false);
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
				}, abandoned::countDown, false);
		await().atMost(Duration.ofSeconds(5)).until(() -> abandoned.getCount() == 0);
		assertThat(guard.end()).isTrue();
		assertThat(Thread.currentThread().isInterrupted()).as("its interrupt is cleared").isFalse();
		assertThat(this.limits.scheduled()).isZero();
	}

	@Test
	void whenARunWithoutLimitsIsTerminatedThenItIsInterruptedOnceAndEndClearsIt() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		AtomicBoolean sawInterrupt = new AtomicBoolean();
		AtomicBoolean interruptedAfterEnd = new AtomicBoolean(true);
		AtomicBoolean terminated = new AtomicBoolean();
		TimeLimits.Guard[] guards = new TimeLimits.Guard[1];
		Thread runner = Thread.ofVirtual().unstarted(() -> {
			started.countDown();
			try {
				Thread.sleep(10_000);
			}
			catch (InterruptedException ex) {
				sawInterrupt.set(true);
				Thread.currentThread().interrupt();
			}
			guards[0].end();
			terminated.set(guards[0].wasTerminated());
			interruptedAfterEnd.set(Thread.currentThread().isInterrupted());
			done.countDown();
		});
		guards[0] = this.limits.watch(runner, "t", "id", null, null, () -> {
		}, () -> {
		}, true);
		assertThat(guards[0]).isNotSameAs(TimeLimits.Guard.NO_LIMITS);
		assertThat(this.limits.scheduled()).as("no timer for a run without limits").isZero();
		runner.start();
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(guards[0].terminate(runner)).isTrue();
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(sawInterrupt).isTrue();
		assertThat(terminated).isTrue();
		assertThat(interruptedAfterEnd).isFalse();
		assertThat(guards[0].terminate(runner)).as("a run that ended is not interrupted").isFalse();
	}

	@Test
	void whenNotTerminableAndWithoutLimitsThenNothingIsWatched() {
		TimeLimits.Guard guard = this.limits.watch(Thread.currentThread(), "t", "id", null, null, () -> {
		}, () -> {
		}, false);
		assertThat(guard).isSameAs(TimeLimits.Guard.NO_LIMITS);
		assertThat(guard.terminate(Thread.currentThread())).isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

}
