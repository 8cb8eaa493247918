package dev.kafkatask.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.monitor.Revocation;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
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
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DeliveryHandler}: every delivery ends in one recorded outcome, whatever
 * fails on the way. The deliveries here are fakes of the backend adapter, not of a broker.
 *
 * @author kafka-task
 */
class DeliveryHandlerTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Tasks tasks = new Tasks();

	private final RecordingObserver observer = new RecordingObserver();

	private final DeliveryHandler handler;

	private final TaskRunner runner;

	DeliveryHandlerTests() {
		TaskRegistry registry = new TaskRegistry();
		registry.registerBean(this.tasks, Tasks.class);
		TaskOptionResolver options = new TaskOptionResolver(OptionWhitelist.standard(), UnsupportedOptionPolicy.REJECT,
				Map.of(), (task) -> {
					TaskDefinition definition = registry.find(task);
					return (definition != null) ? definition.options() : Map.of();
				});
		this.runner = new TaskRunner(registry, new TaskInvoker(new ArgumentBinder(JsonMapper.builder().build())),
				this.observer, options, Clock.systemUTC());
		this.handler = new DeliveryHandler(this.runner, this.observer, Clock.systemUTC());
		this.handler.setDeadLetterBackoff(Duration.ofMillis(1), Duration.ofMillis(20));
	}

	@AfterEach
	void release() {
		this.tasks.release.countDown();
	}

	@Test
	void whenTaskSucceedsThenItIsSettledOnceAsSuccess() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("t.ok"));
		this.handler.handle(delivery, delivery);
		assertThat(delivery.settlements).containsExactly(false);
		assertThat(this.observer.outcomes).containsExactly("t.ok:success");
	}

	@Test
	void whenTaskRunsThenItsIdAndNameAreInTheLoggingContextAndGoneAfter() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("t.mdc"));
		this.handler.handle(delivery, delivery);
		assertThat(this.tasks.mdc).containsExactly("id-t.mdc", "t.mdc");
		assertThat(MDC.get(TaskRunner.MDC_TASK_ID)).isNull();
		assertThat(MDC.get(TaskRunner.MDC_TASK_NAME)).isNull();
	}

	@Test
	void whenTaskWasInterruptedAtItsSoftLimitAndRetriesThenItsRetryIsWritten() throws Exception {
		// The retry's write blocks like a send waiting for its acknowledgement: an interrupt
		// left over from the soft limit would end it, and the record would stay open.
		FakeDelivery delivery = new FakeDelivery(envelope("t.soft-then-retry"));
		delivery.publishLater = (envelope) -> Thread.sleep(5);
		this.handler.handle(delivery, delivery);
		assertThat(delivery.later).hasSize(1);
		assertThat(delivery.later.get(0).retries()).isEqualTo(1);
		assertThat(delivery.settlements).containsExactly(false);
		assertThat(this.observer.outcomes).containsExactly("t.soft-then-retry:retry");
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void whenResultCannotBeSentThenTheTaskCountsAsRunAndIsSettled() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("t.ok"));
		delivery.reply = () -> {
			throw new IllegalStateException("reply topic is gone");
		};
		this.handler.handle(delivery, delivery);
		assertThat(delivery.settlements).containsExactly(false);
		assertThat(this.observer.outcomes).containsExactly("t.ok:success");
		assertThat(delivery.deadLetters).isEmpty();
	}

	@Test
	void whenDeadLetterCannotBeWrittenThenTheDeliveryWaitsIsListedAndIsTriedAgain() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("no.such.task"));
		delivery.cluster = "east";
		AtomicBoolean brokerBack = new AtomicBoolean();
		delivery.deadLetter = () -> {
			if (!brokerBack.get()) {
				throw new IllegalStateException("dead-letter topic unavailable");
			}
		};
		Thread thread = Thread.ofVirtual().start(() -> {
			try {
				this.handler.handle(delivery, delivery);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		await().atMost(TIMEOUT).until(() -> this.observer.deadLetterFailures.get() >= 3);
		assertThat(this.handler.pendingDeadLetters()).singleElement().satisfies((pending) -> {
			assertThat(pending.delivery()).isEqualTo("fake");
			assertThat(pending.cluster()).as("where it is to be written").isEqualTo("east");
			assertThat(pending.reason()).isEqualTo(DeadLetterReason.UNKNOWN_TASK);
			assertThat(pending.failure()).contains("dead-letter topic unavailable");
		});
		assertThat(delivery.settlements).isEmpty();
		brokerBack.set(true);
		thread.join(TIMEOUT.toMillis());
		assertThat(delivery.settlements).containsExactly(false);
		assertThat(delivery.deadLetters).extracting(TaskDelivery.DeadLetter::reason)
			.containsExactly(DeadLetterReason.UNKNOWN_TASK);
		assertThat(this.handler.pendingDeadLetters()).isEmpty();
		assertThat(this.observer.outcomes).containsExactly("unknown:dead_lettered");
	}

	@Test
	void whenRetryCannotBeWrittenThenTheTaskIsDeadLetteredDelayFailed() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("t.retry"));
		delivery.publishLater = (envelope) -> {
			throw new IllegalStateException("delay topic unavailable");
		};
		this.handler.handle(delivery, delivery);
		assertThat(delivery.deadLetters).singleElement().satisfies((letter) -> {
			assertThat(letter.reason()).isEqualTo(DeadLetterReason.DELAY_FAILED);
			assertThat(letter.envelope()).isNotNull();
			assertThat(letter.cause()).hasMessage("delay topic unavailable");
		});
		assertThat(this.observer.outcomes).containsExactly("t.retry:failure");
		assertThat(this.observer.deadLetters).containsExactly("t.retry:delay-failed");
	}

	@Test
	void whenDecodingFailsUnexpectedlyThenTheDeliveryIsDeadLetteredAsProcessingError() throws Exception {
		FakeDelivery delivery = new FakeDelivery(() -> {
			throw new ArithmeticException("long overflow");
		});
		this.handler.handle(delivery, delivery);
		assertThat(delivery.deadLetters).singleElement()
			.satisfies((letter) -> assertThat(letter.reason()).isEqualTo(DeadLetterReason.PROCESSING_ERROR));
		assertThat(delivery.settlements).containsExactly(false);
	}

	@Test
	void whenReplyTopicIsForbiddenThenTheTaskDoesNotRunAndIsDeadLettered() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("t.ok"));
		delivery.check = () -> {
			throw new ForbiddenDestinationException("not a reply topic");
		};
		this.handler.handle(delivery, delivery);
		assertThat(this.tasks.runs.get()).isZero();
		assertThat(delivery.deadLetters).extracting(TaskDelivery.DeadLetter::reason)
			.containsExactly(DeadLetterReason.FORBIDDEN_DESTINATION);
		assertThat(this.observer.outcomes).containsExactly("t.ok:dead_lettered");
	}

	@Test
	void whenTaskPassesItsHardLimitThenItIsSettledWhileStuckAndDeadLetteredTimeLimit() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("t.stuck"));
		Thread thread = Thread.ofVirtual().start(() -> {
			try {
				this.handler.handle(delivery, delivery);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		await().atMost(TIMEOUT).until(() -> !delivery.settlements.isEmpty());
		assertThat(thread.isAlive()).as("the task's thread is still stuck").isTrue();
		assertThat(delivery.settlements).containsExactly(true);
		assertThat(delivery.deadLetters).singleElement().satisfies((letter) -> {
			assertThat(letter.reason()).isEqualTo(DeadLetterReason.TIME_LIMIT);
			assertThat(letter.cause()).isInstanceOf(TaskTimeLimitExceeded.class);
		});
		assertThat(this.observer.outcomes).containsExactly("t.stuck:abandoned");
		this.tasks.release.countDown();
		thread.join(TIMEOUT.toMillis());
		assertThat(delivery.settlements).as("settled once").hasSize(1);
		assertThat(this.observer.outcomes).hasSize(1);
	}

	@Test
	void whenTaskPassesItsHardLimitAndRetriesOnItThenItIsRetried() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("t.stuck-retried"));
		Thread.ofVirtual().start(() -> {
			try {
				this.handler.handle(delivery, delivery);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		await().atMost(TIMEOUT).until(() -> !delivery.settlements.isEmpty());
		assertThat(delivery.deadLetters).isEmpty();
		assertThat(delivery.later).singleElement().satisfies((later) -> assertThat(later.retries()).isEqualTo(1));
		assertThat(this.observer.outcomes).containsExactly("t.stuck-retried:abandoned");
		assertThat(this.observer.retries.get()).isEqualTo(1);
	}

	@Test
	void whenTaskOverflowsItsStackThenItCountsAsFailedAndIsSettled() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("t.overflow"));
		this.handler.handle(delivery, delivery);
		assertThat(delivery.settlements).containsExactly(false);
		assertThat(this.observer.outcomes).containsExactly("t.overflow:failure");
	}

	@Test
	void whenEtaIsMoreThanASecondAheadThenTheTaskIsDeferredNotRun() throws Exception {
		Instant eta = Instant.now().plusSeconds(60);
		FakeDelivery delivery = new FakeDelivery(envelope("t.ok", Map.of("eta", NODES.stringNode(eta.toString()))));
		this.handler.handle(delivery, delivery);
		assertThat(this.tasks.runs.get()).isZero();
		assertThat(delivery.later).hasSize(1);
		assertThat(delivery.dues).containsExactly(eta);
		assertThat(this.observer.outcomes).containsExactly("t.ok:deferred");
	}

	@Test
	void whenEnvelopeHasACountdownAndNoEtaThenItIsDueThatLongAfterItsDispatch() throws Exception {
		TaskEnvelope envelope = envelope("t.ok", Map.of("countdown", NODES.numberNode(30)));
		FakeDelivery delivery = new FakeDelivery(envelope);
		this.handler.handle(delivery, delivery);
		assertThat(delivery.dues).containsExactly(envelope.created().plusSeconds(30));
		assertThat(this.observer.outcomes).containsExactly("t.ok:deferred");
	}

	@Test
	void whenRateSlotHeaderIsNotOneThenTheTaskRunsAsAnyOther() throws Exception {
		TaskEnvelope envelope = envelope("t.ok").withHeader(TaskRunner.RATE_SLOT_RESERVED, "-9223372036854775808x");
		FakeDelivery delivery = new FakeDelivery(envelope);
		this.handler.handle(delivery, delivery);
		assertThat(this.observer.outcomes).containsExactly("t.ok:success");
	}

	@Test
	void whenInterruptedBeforeTheDeliveryIsSettledThenItStaysUnsettled() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("no.such.task"));
		delivery.deadLetter = () -> {
			throw new IllegalStateException("unavailable");
		};
		Thread thread = Thread.ofVirtual().start(() -> {
			try {
				this.handler.handle(delivery, delivery);
			}
			catch (InterruptedException ex) {
				delivery.interrupted.set(true);
			}
		});
		await().atMost(TIMEOUT).until(() -> this.observer.deadLetterFailures.get() >= 1);
		thread.interrupt();
		thread.join(TIMEOUT.toMillis());
		assertThat(delivery.interrupted).isTrue();
		assertThat(delivery.settlements).isEmpty();
		assertThat(this.observer.outcomes).isEmpty();
		assertThat(this.handler.pendingDeadLetters()).isEmpty();
	}

	@Test
	void whenAnObserverThrowsThenTheDeliveryIsSettledAllTheSame() throws Exception {
		TaskObserver throwing = new TaskObserver() {

			@Override
			public void handled(String task, String queue, Backend backend, TaskOutcome outcome, Duration duration) {
				throw new IllegalStateException("observer bug");
			}

			@Override
			public void deadLettered(String task, String queue, Backend backend, DeadLetterReason reason) {
				throw new IllegalStateException("observer bug");
			}

		};
		DeliveryHandler handler = new DeliveryHandler(this.runner,
				TaskObserver.composite(List.of(throwing, this.observer)), Clock.systemUTC());
		FakeDelivery ran = new FakeDelivery(envelope("t.ok"));
		handler.handle(ran, ran);
		FakeDelivery refused = new FakeDelivery(envelope("no.such.task"));
		handler.handle(refused, refused);
		assertThat(ran.settlements).containsExactly(false);
		assertThat(refused.settlements).containsExactly(false);
		assertThat(refused.deadLetters).hasSize(1);
		assertThat(this.observer.outcomes).containsExactly("t.ok:success", "unknown:dead_lettered");
	}

	@Test
	void whenADeadLetterCannotBeWrittenAndTheDeliveryIsLostThenItIsGivenUpUnsettled() throws Exception {
		FakeDelivery delivery = new FakeDelivery(envelope("no.such.task"));
		delivery.deadLetter = () -> {
			throw new IllegalStateException("unavailable");
		};
		delivery.owned.set(false);
		this.handler.handle(delivery, delivery);
		assertThat(delivery.settlements).isEmpty();
		assertThat(delivery.deadLetters).isEmpty();
		assertThat(this.observer.outcomes).isEmpty();
		assertThat(this.handler.pendingDeadLetters()).isEmpty();
	}

	@Test
	void whenATaskThatHadARateLimitSlotIsRetriedThenItsRetryTakesASlotOfItsOwn() throws Exception {
		TaskEnvelope envelope = envelope("t.retry").withHeader(TaskRunner.RATE_SLOT_RESERVED,
				Long.toString(System.currentTimeMillis()));
		FakeDelivery delivery = new FakeDelivery(envelope);
		this.handler.handle(delivery, delivery);
		assertThat(delivery.later).singleElement()
			.satisfies((retry) -> assertThat(retry.headers()).doesNotContainKey(TaskRunner.RATE_SLOT_RESERVED));
	}

	@Test
	void whenTaskSucceedsThenWhatFollowsIsDoneBeforeItIsSettled() throws Exception {
		List<String> steps = new CopyOnWriteArrayList<>();
		this.handler.setContinuation(new TaskContinuation() {

			@Override
			public void succeeded(TaskEnvelope envelope, Object result) {
				steps.add("succeeded:" + result);
			}

		});
		FakeDelivery delivery = new FakeDelivery(envelope("t.ok"));
		this.handler.handle(delivery, (abandoned) -> steps.add("settled"));
		assertThat(steps).containsExactly("succeeded:done", "settled");
		assertThat(this.observer.outcomes).containsExactly("t.ok:success");
	}

	@Test
	void whenWhatFollowsATaskCannotBeDispatchedThenItIsDeadLetteredContinuationFailed() throws Exception {
		this.handler.setContinuation(new TaskContinuation() {

			@Override
			public void succeeded(TaskEnvelope envelope, Object result) {
				throw new IllegalStateException("next task not acknowledged");
			}

		});
		FakeDelivery delivery = new FakeDelivery(envelope("t.ok"));
		this.handler.handle(delivery, delivery);
		assertThat(delivery.deadLetters).singleElement().satisfies((letter) -> {
			assertThat(letter.reason()).isEqualTo(DeadLetterReason.CONTINUATION_FAILED);
			assertThat(letter.cause()).hasMessage("next task not acknowledged");
			assertThat(letter.attempts()).isEqualTo(1);
		});
		assertThat(delivery.settlements).containsExactly(false);
		assertThat(this.observer.outcomes).containsExactly("t.ok:dead_lettered");
	}

	@Test
	void whenTaskFailsForGoodOrCannotRunThenWhatFollowsAFailureIsDone() throws Exception {
		List<String> failed = new CopyOnWriteArrayList<>();
		this.handler.setContinuation(new TaskContinuation() {

			@Override
			public void failed(TaskEnvelope envelope, Throwable failure) {
				failed.add(envelope.task() + ":" + failure.getClass().getSimpleName());
			}

		});
		FakeDelivery exhausted = new FakeDelivery(
				envelope("t.retry").withRetries(3));
		this.handler.handle(exhausted, exhausted);
		FakeDelivery unknown = new FakeDelivery(envelope("no.such.task"));
		this.handler.handle(unknown, unknown);
		FakeDelivery expired = new FakeDelivery(
				envelope("t.ok", Map.of("expires", NODES.stringNode("2000-01-01T00:00:00Z"))));
		this.handler.handle(expired, expired);
		assertThat(failed).containsExactly("t.retry:TaskRetry", "no.such.task:UnknownTaskException",
				"t.ok:TaskExpiredException");
		assertThat(exhausted.deadLetters).singleElement()
			.satisfies((letter) -> assertThat(letter.reason()).isEqualTo(DeadLetterReason.MAX_RETRIES_EXCEEDED));
		assertThat(unknown.deadLetters).singleElement()
			.satisfies((letter) -> assertThat(letter.reason()).isEqualTo(DeadLetterReason.UNKNOWN_TASK));
		assertThat(this.observer.outcomes).containsExactly("t.retry:failure", "unknown:dead_lettered",
				"t.ok:expired");
	}

	@Test
	void whenWhatATaskCarriesIsRefusedThenTheTaskDoesNotRun() throws Exception {
		this.handler.setContinuation(new TaskContinuation() {

			@Override
			public void check(TaskEnvelope envelope) {
				throw new ForbiddenDestinationException("queue 'elsewhere' is not a queue of this application");
			}

		});
		FakeDelivery delivery = new FakeDelivery(envelope("t.ok"));
		this.handler.handle(delivery, delivery);
		assertThat(this.tasks.runs).hasValue(0);
		assertThat(delivery.deadLetters).singleElement()
			.satisfies((letter) -> assertThat(letter.reason()).isEqualTo(DeadLetterReason.FORBIDDEN_DESTINATION));
	}

	@Test
	void whenACopyOfATrackedTaskThatSucceededComesThenItIsSkippedAsDuplicate() throws Exception {
		java.util.Set<String> succeeded = java.util.concurrent.ConcurrentHashMap.newKeySet();
		this.handler.setFinishedTasks(new FinishedTasks() {

			@Override
			public boolean hasSucceeded(String taskId) {
				return succeeded.contains(taskId);
			}

			@Override
			public void succeeded(String taskId, String task) {
				succeeded.add(taskId);
			}

		});
		TaskEnvelope tracked = envelope("t.ok").withHeader(FinishedTasks.HEADER, "true");
		FakeDelivery first = new FakeDelivery(tracked);
		this.handler.handle(first, first);
		FakeDelivery copy = new FakeDelivery(tracked);
		this.handler.handle(copy, copy);
		// an untracked task of the same id runs whatever happened before
		FakeDelivery untracked = new FakeDelivery(envelope("t.ok"));
		this.handler.handle(untracked, untracked);
		assertThat(succeeded).containsExactly("id-t.ok");
		assertThat(this.tasks.runs).hasValue(2);
		assertThat(copy.settlements).containsExactly(false);
		assertThat(this.observer.outcomes).containsExactly("t.ok:success", "t.ok:duplicate", "t.ok:success");
	}

	@Test
	void whenTasksAreSettledThenTheirLifecycleEventsSayHowWithResultErrorAndReason() throws Exception {
		List<dev.kafkatask.monitor.TaskEvent> events = new CopyOnWriteArrayList<>();
		this.handler.setLifecycle(new TaskLifecycle(events::add, "1@host", 6, JsonMapper.builder().build(),
				Clock.systemUTC()));
		FakeDelivery ok = new FakeDelivery(envelope("t.ok"));
		this.handler.handle(ok, ok);
		FakeDelivery retried = new FakeDelivery(envelope("t.retry"));
		this.handler.handle(retried, retried);
		FakeDelivery unknown = new FakeDelivery(envelope("no.such.task"));
		this.handler.handle(unknown, unknown);
		assertThat(events).extracting((event) -> event.taskId() + ":" + event.type().code() + ":" + event.attempt())
			.containsExactly("id-t.ok:started:1", "id-t.ok:succeeded:1", "id-t.retry:started:1",
					"id-t.retry:retried:1", "id-no.such.task:dead-lettered:1");
		// results and errors are cut to the length given
		assertThat(events.get(1).result()).isEqualTo("\"done\"");
		assertThat(events.get(1).worker()).isEqualTo("1@host");
		assertThat(events.get(3).error()).isEqualTo("dev.ka…");
		assertThat(events.get(4).reason()).isEqualTo("unknown-task");
	}

	@Test
	void whenADeliveryIsOfANamedClusterThenEveryEventOfItsTaskBelongsToThatCluster() throws Exception {
		List<dev.kafkatask.monitor.TaskEvent> events = new CopyOnWriteArrayList<>();
		this.handler.setLifecycle(new TaskLifecycle(events::add, "1@host", 200, JsonMapper.builder().build(),
				Clock.systemUTC()));
		for (String task : List.of("t.ok", "t.retry", "no.such.task")) {
			FakeDelivery delivery = new FakeDelivery(envelope(task));
			delivery.cluster = "east";
			this.handler.handle(delivery, delivery);
		}
		FakeDelivery local = new FakeDelivery(envelope("t.ok"));
		this.handler.handle(local, local);
		assertThat(events).extracting((event) -> event.type().code() + "@" + event.cluster())
			.containsExactly("started@east", "succeeded@east", "started@east", "retried@east", "dead-lettered@east",
					"started@default", "succeeded@default");
	}

	@Test
	void whenATaskIsRevokedThenItIsSettledRevokedWithoutRunningAndWhatFollowsItsFailureIsDone() throws Exception {
		Map<String, Revocation> revocations = new java.util.concurrent.ConcurrentHashMap<>();
		this.handler.setRevokedTasks(new FakeRevokedTasks(revocations));
		List<String> failedAfter = new CopyOnWriteArrayList<>();
		this.handler.setContinuation(new TaskContinuation() {

			@Override
			public void failed(TaskEnvelope envelope, Throwable failure) {
				failedAfter.add(envelope.id() + ":" + failure.getMessage());
			}

		});
		List<dev.kafkatask.monitor.TaskEvent> events = new CopyOnWriteArrayList<>();
		this.handler.setLifecycle(new TaskLifecycle(events::add, "1@host", 200, JsonMapper.builder().build(),
				Clock.systemUTC()));
		revocations.put("id-t.ok", new Revocation("id-t.ok", Instant.now(), false, "2@host"));
		FakeDelivery revoked = new FakeDelivery(envelope("t.ok"));
		this.handler.handle(revoked, revoked);
		assertThat(this.tasks.runs).hasValue(0);
		assertThat(revoked.settlements).containsExactly(false);
		assertThat(revoked.deadLetters).isEmpty();
		assertThat(this.observer.outcomes).containsExactly("t.ok:revoked");
		assertThat(failedAfter).containsExactly("id-t.ok:Task 't.ok' [id-t.ok] was revoked");
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.type()).isEqualTo(dev.kafkatask.monitor.TaskEventType.REVOKED);
			assertThat(event.error()).contains("was revoked");
		});
	}

	@Test
	void whenARunningTaskIsTerminatedThenItIsRevokedNotRetriedAndOtherRunsAreLeftAlone() throws Exception {
		FakeRevokedTasks revokedTasks = new FakeRevokedTasks(new java.util.concurrent.ConcurrentHashMap<>());
		this.handler.setRevokedTasks(revokedTasks);
		FakeDelivery terminated = new FakeDelivery(envelope("t.sleep"));
		Thread running = Thread.ofVirtual().start(() -> {
			try {
				this.handler.handle(terminated, terminated);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		await().atMost(TIMEOUT).until(() -> this.handler.running().size() == 1);
		assertThat(this.handler.terminate(new Revocation("id-other", Instant.now(), true, "2@host"))).isZero();
		// as the revocations' reader hands a terminate on
		revokedTasks.terminator.accept(new Revocation("id-t.sleep", Instant.now(), true, "2@host"));
		running.join(TIMEOUT);
		assertThat(terminated.settlements).containsExactly(false);
		assertThat(terminated.later).as("no retry, though its policy retries what it threw").isEmpty();
		assertThat(terminated.deadLetters).isEmpty();
		assertThat(this.observer.outcomes).containsExactly("t.sleep:revoked");
		assertThat(this.handler.running()).isEmpty();
	}

	private static TaskEnvelope envelope(String task) {
		return envelope(task, Map.of());
	}

	private static TaskEnvelope envelope(String task, Map<String, JsonNode> options) {
		return new TaskEnvelope("id-" + task, task, List.of(), Map.of(), options, Map.of(), Instant.now(), 0);
	}

	public static class Tasks {

		final AtomicInteger runs = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		@KafkaTask(name = "t.ok")
		public String ok() {
			this.runs.incrementAndGet();
			return "done";
		}

		final List<String> mdc = new CopyOnWriteArrayList<>();

		@KafkaTask(name = "t.mdc")
		public void mdc() {
			this.mdc.add(MDC.get(TaskRunner.MDC_TASK_ID));
			this.mdc.add(MDC.get(TaskRunner.MDC_TASK_NAME));
		}

		@KafkaTask(name = "t.retry", options = "max_retries=3")
		public void retry() {
			throw new TaskRetry(null, Duration.ofSeconds(5));
		}

		@KafkaTask(name = "t.soft-then-retry", options = { "soft_time_limit=0.05", "max_retries=3" })
		public void softThenRetry() {
			try {
				Thread.sleep(10_000);
			}
			catch (InterruptedException ex) {
				// keeps the interrupt, as well-behaved code does
				Thread.currentThread().interrupt();
				throw new TaskRetry(ex, Duration.ofSeconds(1));
			}
		}

		@KafkaTask(name = "t.sleep", options = { "autoretry_for=java.lang.Exception", "max_retries=3" })
		public void sleep() throws InterruptedException {
			Thread.sleep(30_000);
		}

		@KafkaTask(name = "t.stuck", options = "time_limit=0.1")
		public void stuck() {
			awaitRelease();
		}

		@KafkaTask(name = "t.stuck-retried",
				options = { "time_limit=0.1", "autoretry_for=dev.kafkatask.task.TaskTimeLimitExceeded" })
		public void stuckRetried() {
			awaitRelease();
		}

		@KafkaTask(name = "t.overflow")
		public int overflow() {
			return recurse(0);
		}

		private int recurse(int depth) {
			return recurse(depth + 1) + 1;
		}

		private void awaitRelease() {
			// Ignores interrupts, like a call stuck in a native frame, until released.
			while (this.release.getCount() > 0) {
				try {
					this.release.await(10, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					// stuck
				}
			}
		}

	}

	@FunctionalInterface
	interface Step {

		void run() throws Exception;

	}

	@FunctionalInterface
	interface Later {

		void accept(TaskEnvelope envelope) throws Exception;

	}

	static final class FakeDelivery implements TaskDelivery, DeliveryHandler.Settled {

		private final Supplier<TaskEnvelope> envelope;

		final List<Boolean> settlements = new CopyOnWriteArrayList<>();

		final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

		final List<TaskEnvelope> later = new CopyOnWriteArrayList<>();

		final List<Instant> dues = new CopyOnWriteArrayList<>();

		final AtomicBoolean interrupted = new AtomicBoolean();

		final AtomicBoolean owned = new AtomicBoolean(true);

		String cluster = "default";

		Step deadLetter = () -> {
		};

		Step check = () -> {
		};

		Step reply = () -> {
		};

		Later publishLater = (envelope) -> {
		};

		FakeDelivery(TaskEnvelope envelope) {
			this(() -> envelope);
		}

		FakeDelivery(Supplier<TaskEnvelope> envelope) {
			this.envelope = envelope;
		}

		@Override
		public String queue() {
			return "q";
		}

		@Override
		public Backend backend() {
			return Backend.KAFKA;
		}

		@Override
		public String cluster() {
			return this.cluster;
		}

		@Override
		public String describe() {
			return "fake";
		}

		@Override
		public boolean isOwned() {
			return this.owned.get();
		}

		@Override
		public TaskEnvelope decode() {
			return this.envelope.get();
		}

		@Override
		public void check(TaskEnvelope envelope) {
			try {
				this.check.run();
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void deadLetter(DeadLetter letter) throws Exception {
			this.deadLetter.run();
			this.deadLetters.add(letter);
		}

		@Override
		public void publishLater(TaskEnvelope envelope, Instant due) throws Exception {
			this.publishLater.accept(envelope);
			this.later.add(envelope);
			this.dues.add(due);
		}

		@Override
		public void reply(TaskEnvelope envelope, RunResult result) throws Exception {
			this.reply.run();
		}

		@Override
		public void settled(boolean abandoned) {
			this.settlements.add(abandoned);
		}

	}

	static final class RecordingObserver implements TaskObserver {

		final List<String> outcomes = new CopyOnWriteArrayList<>();

		final List<String> deadLetters = new CopyOnWriteArrayList<>();

		final AtomicInteger deadLetterFailures = new AtomicInteger();

		final AtomicInteger retries = new AtomicInteger();

		@Override
		public void handled(String task, String queue, Backend backend, TaskOutcome outcome, Duration duration) {
			this.outcomes.add(task + ":" + outcome.tagValue());
		}

		@Override
		public void deadLettered(String task, String queue, Backend backend, DeadLetterReason reason) {
			this.deadLetters.add(task + ":" + reason.code());
		}

		@Override
		public void deadLetterFailed(String queue, Backend backend, Throwable failure) {
			this.deadLetterFailures.incrementAndGet();
		}

		@Override
		public void retryScheduled(String task, String queue, Backend backend) {
			this.retries.incrementAndGet();
		}

	}

	private static final class FakeRevokedTasks implements RevokedTasks {

		private final Map<String, Revocation> revocations;

		private volatile java.util.function.Consumer<Revocation> terminator = (revocation) -> {
		};

		FakeRevokedTasks(Map<String, Revocation> revocations) {
			this.revocations = revocations;
		}

		@Override
		public Revocation revoked(String taskId) {
			return this.revocations.get(taskId);
		}

		@Override
		public void onTerminate(java.util.function.Consumer<Revocation> terminator) {
			this.terminator = terminator;
		}

	}

}
