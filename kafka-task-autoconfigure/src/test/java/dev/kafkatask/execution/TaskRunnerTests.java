package dev.kafkatask.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.options.OptionWhitelist;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.options.UnsupportedOptionPolicy;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;
import dev.kafkatask.task.TaskRetry;
import dev.kafkatask.task.TaskTimeLimitExceeded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TaskRunner}: how a run ends (its value, its failure, a retry), the logging
 * MDC while it runs, its soft and hard time limits, and its rate-limit slots. Tasks run on the
 * test's thread (or, to be abandoned, on a virtual thread of the test); no broker is involved.
 *
 * @author kafka-task
 */
class TaskRunnerTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Tasks tasks = new Tasks();

	private final RecordingObserver observer = new RecordingObserver();

	private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

	private final TaskRunner runner;

	TaskRunnerTests() {
		TaskRegistry registry = new TaskRegistry();
		registry.registerBean(this.tasks, Tasks.class);
		TaskOptionResolver options = new TaskOptionResolver(OptionWhitelist.standard(), UnsupportedOptionPolicy.REJECT,
				Map.of(), (task) -> {
					TaskDefinition definition = registry.find(task);
					return (definition != null) ? definition.options() : Map.of();
				});
		this.runner = new TaskRunner(registry, new TaskInvoker(new ArgumentBinder(JsonMapper.builder().build())),
				this.observer, options, Clock.fixed(NOW, ZoneOffset.UTC));
	}

	@AfterEach
	void releaseStuckTasks() {
		this.tasks.release.countDown();
		this.threads.shutdownNow();
	}

	@Test
	void whenTaskReturnsThenTheRunSucceedsWithWhatItReturned() {
		RunResult result = this.runner.run(prepare(envelope("t.add", NODES.numberNode(2), NODES.numberNode(3))));
		assertThat(result.status()).isEqualTo(RunResult.Status.SUCCEEDED);
		assertThat(result.value()).isEqualTo(5);
		assertThat(result.failure()).isNull();
		assertThat(this.observer.started).containsExactly("t.add");
	}

	@Test
	void whenTaskThrowsThenTheRunFailsWithWhatItThrewAndNothingIsRethrown() {
		RunResult result = this.runner.run(prepare(envelope("t.fail")));
		assertThat(result.status()).isEqualTo(RunResult.Status.FAILED);
		assertThat(result.failure()).isSameAs(this.tasks.thrown);
		assertThat(result.retryIn()).isNull();
	}

	@Test
	void whenTaskAsksForARetryThenTheRunSaysWhenAndCarriesTheCauseUnwrapped() {
		RunResult result = this.runner.run(prepare(envelope("t.retry")));
		assertThat(result.status()).isEqualTo(RunResult.Status.RETRY);
		assertThat(result.retryIn()).isEqualTo(Duration.ofSeconds(5));
		assertThat(result.failure()).isSameAs(this.tasks.thrown);
	}

	@Test
	void whenTaskAsksForARetryWithItsRetriesUsedUpThenTheRunSaysTheyAreExhausted() {
		RunResult result = this.runner.run(prepare(envelope("t.retry").withRetries(3)));
		assertThat(result.status()).isEqualTo(RunResult.Status.RETRIES_EXHAUSTED);
		assertThat(result.retryIn()).isNull();
		assertThat(result.failure()).isSameAs(this.tasks.thrown);
	}

	@Test
	void whenTaskThrowsAVirtualMachineErrorThenItFailsAlthoughItsPolicyRetriesEverything() {
		assertThat(this.runner.run(prepare(envelope("t.retry-anything"))).status())
			.as("an exception its autoretry_for names")
			.isEqualTo(RunResult.Status.RETRY);
		RunResult result = this.runner.run(prepare(envelope("t.overflow")));
		assertThat(result.status()).isEqualTo(RunResult.Status.FAILED);
		assertThat(result.failure()).isInstanceOf(StackOverflowError.class);
	}

	@Test
	void whenTaskRunsThenItsIdAndNameAreInTheLoggingContextAndGoneAfter() {
		this.runner.run(prepare(envelope("t.mdc")));
		assertThat(this.tasks.mdc).containsExactly("id-t.mdc", "t.mdc");
		assertThat(MDC.get(TaskRunner.MDC_TASK_ID)).isNull();
		assertThat(MDC.get(TaskRunner.MDC_TASK_NAME)).isNull();
	}

	@Test
	void whenTaskFailsThenItsIdAndNameAreGoneFromTheLoggingContextToo() {
		this.runner.run(prepare(envelope("t.mdc-then-fail")));
		assertThat(this.tasks.mdc).containsExactly("id-t.mdc-then-fail", "t.mdc-then-fail");
		assertThat(MDC.get(TaskRunner.MDC_TASK_ID)).isNull();
		assertThat(MDC.get(TaskRunner.MDC_TASK_NAME)).isNull();
	}

	@Test
	void whenSenderShadowsTheNameWithALineBreakThenTheLoggingContextHasItWithoutControlCharacters() {
		TaskEnvelope envelope = envelope("t.mdc").withOption("shadow", NODES.stringNode("report\nFORGED line"));
		this.runner.run(prepare(envelope));
		assertThat(this.tasks.mdc).containsExactly("id-t.mdc", "report?FORGED line");
	}

	@Test
	void whenTaskOutlivesItsSoftLimitThenItsThreadIsInterruptedAndNoInterruptOutlivesTheRun() {
		RunResult result = this.runner.run(prepare(envelope("t.sleepy")));
		assertThat(result.status()).isEqualTo(RunResult.Status.FAILED);
		assertThat(result.failure()).isInstanceOf(InterruptedException.class);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		// reported from the timer thread, just after the interrupt
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.observer.timeLimits).containsExactly("t.sleepy:soft"));
	}

	@Test
	void whenTaskCleansUpAfterItsSoftLimitThenTheRunSucceedsWithWhatItReturned() {
		RunResult result = this.runner.run(prepare(envelope("t.cleans-up")));
		assertThat(result.status()).isEqualTo(RunResult.Status.SUCCEEDED);
		assertThat(result.value()).isEqualTo("cleaned up");
	}

	@Test
	void whenTaskOutlivesItsHardLimitThenItIsAbandonedThenAndWhatItReturnsLaterCountsForNothing() throws Exception {
		PreparedTask prepared = prepare(envelope("t.stuck"));
		CountDownLatch abandoned = new CountDownLatch(1);
		CompletableFuture<RunResult> run = CompletableFuture
			.supplyAsync(() -> this.runner.run(prepared, abandoned::countDown), this.threads);
		assertThat(abandoned.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(run).as("the run's thread is still stuck in the task").isNotDone();
		this.tasks.release.countDown();
		RunResult result = run.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(result.status()).isEqualTo(RunResult.Status.ABANDONED);
		assertThat(result.value()).isNull();
		assertThat(this.tasks.returnedLate).isTrue();
		assertThat(this.observer.timeLimits).containsExactly("t.stuck:hard");
	}

	@Test
	void whenTheDispatchSetsATimeLimitThenItOverridesTheTasksOwn() throws Exception {
		PreparedTask prepared = prepare(envelope("t.patient").withOption("time_limit", NODES.numberNode(0.1)));
		assertThat(prepared.timeLimit()).isEqualTo(Duration.ofMillis(100));
		CountDownLatch abandoned = new CountDownLatch(1);
		CompletableFuture<RunResult> run = CompletableFuture
			.supplyAsync(() -> this.runner.run(prepared, abandoned::countDown), this.threads);
		assertThat(abandoned.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		this.tasks.release.countDown();
		assertThat(run.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).status()).isEqualTo(RunResult.Status.ABANDONED);
	}

	@Test
	void whenAbandonedTaskDoesNotRetryTimeLimitsThenItFailsWithTheLimitItExceeded() {
		RunResult result = this.runner.afterTimeLimit(prepare(envelope("t.stuck")));
		assertThat(result.status()).isEqualTo(RunResult.Status.FAILED);
		assertThat(result.failure()).isInstanceOfSatisfying(TaskTimeLimitExceeded.class,
				(exceeded) -> assertThat(exceeded.getLimit()).isEqualTo(Duration.ofMillis(100)));
	}

	@Test
	void whenAbandonedTaskRetriesTimeLimitsThenItIsRetriedWhileItHasRetriesLeft() {
		RunResult first = this.runner.afterTimeLimit(prepare(envelope("t.stuck-retried")));
		assertThat(first.status()).isEqualTo(RunResult.Status.RETRY);
		assertThat(first.retryIn()).isNotNull();
		assertThat(first.failure()).isInstanceOf(TaskTimeLimitExceeded.class);
		RunResult last = this.runner.afterTimeLimit(prepare(envelope("t.stuck-retried").withRetries(3)));
		assertThat(last.status()).isEqualTo(RunResult.Status.FAILED);
	}

	@Test
	void whenTaskHasARateLimitThenItsFirstRunMayStartNowAndTheNextWaitsForItsSlot() {
		assertThat(this.runner.reserveRate(prepare(envelope("t.limited")))).isZero();
		assertThat(this.runner.reserveRate(prepare(envelope("t.limited"))))
			.isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
	}

	@Test
	void whenTaskHasNoRateLimitThenEveryRunMayStartNow() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.runner.reserveRate(prepare(envelope("t.ok")))).isZero();
		}
	}

	@Test
	void whenTaskReservedItsSlotBeforeThenItWaitsForThatSlotAndTakesNoOther() {
		TaskEnvelope reserved = envelope("t.limited").withHeader(TaskRunner.RATE_SLOT_RESERVED,
				Long.toString(NOW.plusSeconds(5).toEpochMilli()));
		assertThat(this.runner.reserveRate(prepare(reserved))).isEqualTo(Duration.ofSeconds(5));
		assertThat(this.runner.reserveRate(prepare(envelope("t.limited")))).as("the first free slot is still free")
			.isZero();
	}

	@Test
	void whenReservedSlotIsPastOrBeyondADayThenItIsHeldWithinNowAndADay() {
		TaskEnvelope past = envelope("t.limited").withHeader(TaskRunner.RATE_SLOT_RESERVED,
				Long.toString(NOW.minusSeconds(60).toEpochMilli()));
		TaskEnvelope farOff = envelope("t.limited").withHeader(TaskRunner.RATE_SLOT_RESERVED,
				Long.toString(Long.MAX_VALUE));
		assertThat(this.runner.reserveRate(prepare(past))).isZero();
		assertThat(this.runner.reserveRate(prepare(farOff))).isEqualTo(Duration.ofDays(1));
	}

	@Test
	void whenReservedSlotIsNotANumberThenTheRunTakesASlotLikeAnyOther() {
		assertThat(this.runner.reserveRate(prepare(envelope("t.limited")))).isZero();
		TaskEnvelope forged = envelope("t.limited").withHeader(TaskRunner.RATE_SLOT_RESERVED, "soon");
		assertThat(this.runner.reserveRate(prepare(forged))).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
	}

	@Test
	void whenTaskIsNotRegisteredThenItCannotBePrepared() {
		assertThatExceptionOfType(UnknownTaskException.class).isThrownBy(() -> prepare(envelope("t.nowhere")));
		assertThat(this.runner.isRegistered("t.nowhere")).isFalse();
		assertThat(this.runner.isRegistered("t.add")).isTrue();
	}

	@Test
	void whenTaskExpiresNowOrExpiredThenItIsNotPrepared() {
		assertThatExceptionOfType(TaskExpiredException.class)
			.isThrownBy(() -> prepare(envelope("t.ok").withOption("expires", NODES.stringNode(NOW.toString()))));
		assertThatExceptionOfType(TaskExpiredException.class).isThrownBy(
				() -> prepare(envelope("t.ok").withOption("expires", NODES.stringNode(NOW.minusMillis(1).toString()))));
		assertThat(prepare(envelope("t.ok").withOption("expires", NODES.stringNode(NOW.plusMillis(1).toString()))))
			.isNotNull();
	}

	private PreparedTask prepare(TaskEnvelope envelope) {
		return this.runner.prepare(envelope, "q", Backend.KAFKA);
	}

	private static TaskEnvelope envelope(String task, JsonNode... args) {
		return new TaskEnvelope("id-" + task, task, List.of(args), Map.of(), Map.of(), Map.of(),
				NOW.minusSeconds(1), 0);
	}

	public static class Tasks {

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> mdc = new CopyOnWriteArrayList<>();

		final AtomicBoolean returnedLate = new AtomicBoolean();

		final IllegalStateException thrown = new IllegalStateException("task failed on purpose");

		@KafkaTask(name = "t.add")
		public int add(int a, int b) {
			return a + b;
		}

		@KafkaTask(name = "t.ok")
		public String ok() {
			return "done";
		}

		@KafkaTask(name = "t.fail")
		public void fail() {
			throw this.thrown;
		}

		@KafkaTask(name = "t.retry", options = "max_retries=3")
		public void retry() {
			throw new TaskRetry(this.thrown, Duration.ofSeconds(5));
		}

		@KafkaTask(name = "t.retry-anything", options = "autoretry_for=java.lang.Throwable")
		public void retryAnything() {
			throw this.thrown;
		}

		@KafkaTask(name = "t.overflow", options = "autoretry_for=java.lang.Throwable")
		public int overflow() {
			return recurse(0);
		}

		@KafkaTask(name = "t.mdc")
		public void mdc() {
			this.mdc.add(MDC.get(TaskRunner.MDC_TASK_ID));
			this.mdc.add(MDC.get(TaskRunner.MDC_TASK_NAME));
		}

		@KafkaTask(name = "t.mdc-then-fail")
		public void mdcThenFail() {
			mdc();
			throw this.thrown;
		}

		@KafkaTask(name = "t.sleepy", options = "soft_time_limit=0.05")
		public void sleepy() throws InterruptedException {
			this.release.await();
		}

		@KafkaTask(name = "t.cleans-up", options = "soft_time_limit=0.05")
		public String cleansUp() {
			try {
				this.release.await();
				return "released";
			}
			catch (InterruptedException ex) {
				return "cleaned up";
			}
		}

		@KafkaTask(name = "t.stuck", options = "time_limit=0.1")
		public String stuck() {
			return awaitRelease();
		}

		@KafkaTask(name = "t.patient", options = "time_limit=3600")
		public String patient() {
			return awaitRelease();
		}

		@KafkaTask(name = "t.stuck-retried",
				options = { "time_limit=0.1", "autoretry_for=dev.kafkatask.task.TaskTimeLimitExceeded" })
		public String stuckRetried() {
			return awaitRelease();
		}

		@KafkaTask(name = "t.limited", options = "rate_limit=1/h")
		public void limited() {
		}

		private int recurse(int depth) {
			return recurse(depth + 1) + 1;
		}

		private String awaitRelease() {
			// Ignores interrupts, like a call stuck in a native frame, until released.
			while (this.release.getCount() > 0) {
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					// stuck
				}
			}
			this.returnedLate.set(true);
			return "late";
		}

	}

	static final class RecordingObserver implements TaskObserver {

		final List<String> started = new CopyOnWriteArrayList<>();

		final List<String> timeLimits = new CopyOnWriteArrayList<>();

		@Override
		public void started(String task, String queue, Backend backend, Duration queueTime) {
			this.started.add(task);
		}

		@Override
		public void timeLimitReached(String task, String queue, Backend backend, boolean hard) {
			this.timeLimits.add(task + ":" + (hard ? "hard" : "soft"));
		}

	}

}
