package dev.kafkatask.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.util.Assert;

import dev.kafkatask.canvas.Canvas;
import dev.kafkatask.canvas.CanvasDispatch;
import dev.kafkatask.canvas.CanvasReceipt;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.execution.TaskLifecycle;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.observation.DefaultTaskDispatchObservationConvention;
import dev.kafkatask.observation.TaskDispatchObservationConvention;
import dev.kafkatask.observation.TaskObservation;
import dev.kafkatask.observation.TaskSenderContext;
import dev.kafkatask.options.TaskOption;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.options.UnsupportedTaskOptionException;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.OnUnavailable;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RouteDecision;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * {@link TaskDispatcher} that builds a {@link TaskEnvelope}, picks the queue, asks the
 * {@link TaskRouter} which backend (and which Kafka cluster) takes the task and hands it to
 * that backend's {@link TaskTransport}.
 * <p>
 * The queue is the one named in the options, else the registered task's own queue, else the
 * default queue. Each dispatch goes to exactly one backend, unless its rule asks for a shadow
 * copy on the other one; a shadow copy that fails is logged, and does not fail the dispatch.
 * A dispatch routed to a backend that is unavailable (RabbitMQ down) fails at once with a
 * {@link BackendUnavailableException} naming the route, or goes to Kafka if the route's
 * {@link OnUnavailable} policy says so.
 * <p>
 * With an {@link #setObservationRegistry ObservationRegistry}, each dispatch is observed as
 * {@link TaskObservation#DISPATCH}, whose context is written into the task's headers.
 * <p>
 * A dispatch made inside a Spring-managed transaction waits for its commit when its options
 * say so ({@link TaskOptions#withAfterCommit}) or, when they say nothing, when
 * {@link #setAfterCommit} does: it is sent once the transaction committed, with the
 * arguments it was given (copied, not read again), and dropped if the transaction rolls back.
 *
 * @author kafka-task
 */
public class DefaultTaskDispatcher implements TaskDispatcher {

	private static final Log logger = LogFactory.getLog(DefaultTaskDispatcher.class);

	/**
	 * Option naming where a task's result goes (its reply topic).
	 */
	public static final String REPLY_TO = TaskOption.REPLY_TO.celeryName();

	private final TaskRegistry registry;

	private final TaskRouter router;

	private final TaskOptionResolver options;

	private final Map<Backend, TaskTransport> transports = new EnumMap<>(Backend.class);

	private final JsonMapper mapper;

	private final String defaultQueue;

	private final TaskObserver observer;

	private final Clock clock;

	private volatile @Nullable ResultBackend results;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable TaskDispatchObservationConvention observationConvention;

	private boolean afterCommit;

	private @Nullable UniquenessGuard uniqueness;

	private TaskLifecycle lifecycle = TaskLifecycle.NONE;

	public DefaultTaskDispatcher(TaskRegistry registry, TaskRouter router, TaskOptionResolver options,
			List<? extends TaskTransport> transports, JsonMapper mapper, String defaultQueue, TaskObserver observer,
			Clock clock) {
		this.registry = registry;
		this.router = router;
		this.options = options;
		for (TaskTransport transport : transports) {
			TaskTransport previous = this.transports.put(transport.backend(), transport);
			Assert.state(previous == null, () -> "Two transports for backend " + transport.backend());
		}
		this.mapper = mapper;
		this.defaultQueue = defaultQueue;
		this.observer = observer;
		this.clock = clock;
	}

	/**
	 * Set where results come back to, for {@link #dispatchForResult}.
	 * @param results the result backend, or {@code null} for none
	 */
	public void setResultBackend(@Nullable ResultBackend results) {
		this.results = results;
	}

	/**
	 * Set the registry that observes dispatches; a propagating tracing handler in it writes
	 * the trace context into the headers of each task.
	 * @param observationRegistry the registry, {@link ObservationRegistry#NOOP} by default
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Set the convention of dispatch observations.
	 * @param observationConvention the convention, or {@code null} for the default one
	 */
	public void setObservationConvention(@Nullable TaskDispatchObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Set whether a dispatch made inside a Spring-managed transaction waits for its commit
	 * when its options do not say.
	 * @param afterCommit whether to wait, {@code false} by default
	 */
	public void setAfterCommit(boolean afterCommit) {
		this.afterCommit = afterCommit;
	}

	/**
	 * Set what decides which dispatch of a unique key is enqueued ({@link TaskOptions#withUnique}).
	 * @param uniqueness the guard, or {@code null}: unique dispatches then fail
	 */
	public void setUniquenessGuard(@Nullable UniquenessGuard uniqueness) {
		this.uniqueness = uniqueness;
	}

	/**
	 * Set where the lifecycle events of tasks go: a task the broker took is
	 * {@code dispatched}.
	 * @param lifecycle the lifecycle, {@link TaskLifecycle#NONE} by default
	 */
	public void setLifecycle(TaskLifecycle lifecycle) {
		this.lifecycle = lifecycle;
	}

	@Override
	public CompletableFuture<CanvasReceipt> dispatch(Canvas canvas) {
		return new CanvasDispatch(this, this.mapper).dispatch(canvas);
	}

	@Override
	public CompletableFuture<TaskResult> dispatchForResult(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options, Duration timeout) {
		ResultBackend backend = this.results;
		if (backend == null) {
			return CompletableFuture.failedFuture(
					new IllegalStateException("No result backend: results come back only through Kafka"));
		}
		String id = (options.taskId() != null) ? options.taskId() : UUID.randomUUID().toString();
		CompletableFuture<TaskResult> result = backend.expect(id, timeout);
		TaskOptions withReply = options.withTaskId(id)
			.withOption(TaskOption.IGNORE_RESULT.celeryName(), false)
			.withOption(REPLY_TO, backend.replyTo());
		dispatch(task, args, kwargs, withReply).whenComplete((receipt, failure) -> {
			if (failure != null) {
				backend.forget(id);
				result.completeExceptionally(failure);
			}
			else if (receipt.backend() != Backend.KAFKA) {
				backend.forget(id);
				result.completeExceptionally(new IllegalStateException("Task '" + task + "' went to "
						+ receipt.backend() + ": results come back only from Kafka workers"));
			}
			else if (!backend.sentTo(id, receipt.cluster())) {
				backend.forget(id);
				result.completeExceptionally(new IllegalStateException("Task '" + task + "' went to Kafka cluster '"
						+ receipt.cluster() + "', where this application does not read results"));
			}
		});
		return result;
	}

	@Override
	public CompletableFuture<DispatchReceipt> dispatch(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options) {
		Assert.hasText(task, "'task' must not be empty");
		boolean afterCommit = (options.afterCommit() != null) ? options.afterCommit() : this.afterCommit;
		if (afterCommit && AfterCommitDispatch.isTransactionActive()) {
			String id = (options.taskId() != null) ? options.taskId() : UUID.randomUUID().toString();
			List<@Nullable Object> heldArgs = new ArrayList<>(args);
			Map<String, @Nullable Object> heldKwargs = new LinkedHashMap<>(kwargs);
			TaskOptions held = options.withTaskId(id);
			return AfterCommitDispatch.defer(task, id, () -> dispatchUnique(task, heldArgs, heldKwargs, held));
		}
		return dispatchUnique(task, args, kwargs, options);
	}

	/**
	 * Dispatch a task now, after claiming its unique key if it has one: only the dispatch
	 * that holds the key is enqueued; if it then fails, the key is given back.
	 */
	private CompletableFuture<DispatchReceipt> dispatchUnique(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options) {
		UniqueKey unique = options.unique();
		if (unique == null) {
			return dispatchNow(task, args, kwargs, options);
		}
		UniquenessGuard guard = this.uniqueness;
		String queue = queueFor(task, options);
		if (guard == null) {
			return failed(task, queue, Backend.KAFKA, Route.DEFAULT_CLUSTER,
					new IllegalStateException("Task '" + task + "' asks to be unique, but this application has no"
							+ " uniqueness guard (it needs the Kafka leg)"));
		}
		if (unique.window().compareTo(guard.maxWindow()) > 0) {
			return failed(task, queue, Backend.KAFKA, Route.DEFAULT_CLUSTER,
					new IllegalArgumentException("The unique window of task '" + task + "' (" + unique.window()
							+ ") is longer than kafka-task.dispatch.unique-max-window (" + guard.maxWindow() + ")"));
		}
		String id = (options.taskId() != null) ? options.taskId() : UUID.randomUUID().toString();
		// A copy of it (a dispatch retried after a crash) is skipped once it succeeded.
		TaskOptions withId = options.withTaskId(id).withHeader(FinishedTasks.HEADER, "true");
		return UniqueDispatch.claimThenSend(guard, unique, task, id, () -> dispatchNow(task, args, kwargs, withId));
	}

	private CompletableFuture<DispatchReceipt> dispatchNow(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options) {
		String queue = queueFor(task, options);
		String id = (options.taskId() != null) ? options.taskId() : UUID.randomUUID().toString();
		RouteDecision decision = this.router.route(task, queue, id, options.key());
		String unavailable = unavailableReason(decision.backend());
		if (unavailable != null) {
			if (decision.onUnavailable() != OnUnavailable.KAFKA || !this.transports.containsKey(Backend.KAFKA)) {
				return failed(task, queue, decision.backend(), decision.cluster(),
						new BackendUnavailableException("Task '" + task + "' of queue '" + queue + "' is routed to "
								+ decision.backend() + " by rule '" + decision.rule()
								+ "' (on-unavailable: fail), which is unavailable: " + unavailable));
			}
			// to the default Kafka cluster
			decision = new RouteDecision(Backend.KAFKA, null, decision.rule() + "+unavailable", decision.ramped(),
					decision.onUnavailable());
		}
		TaskOptionResolver.Resolution resolution;
		try {
			resolution = this.options.resolve(task, decision.backend(),
					this.options.dispatchOptions(task, options.celeryOptions()),
					this.transports.containsKey(Backend.RABBITMQ) && unavailableReason(Backend.RABBITMQ) == null);
		}
		catch (UnsupportedTaskOptionException ex) {
			this.observer.handled(task, queue, decision.backend(), TaskOutcome.REJECTED, Duration.ZERO);
			return failed(task, queue, decision.backend(), decision.cluster(), ex);
		}
		if (resolution.rerouted()) {
			String cluster = (resolution.backend() == decision.backend()) ? decision.cluster() : null;
			decision = new RouteDecision(resolution.backend(), cluster, decision.shadow(),
					decision.rule() + "+options", false, decision.onUnavailable());
		}
		this.observer.routed(task, queue, decision);
		TaskSenderContext sending = senderContext(id, task, queue, decision.backend(), options.headers());
		Observation observation = startObservation(sending);
		Map<String, String> headers = (sending != null) ? sending.getHeaders() : options.headers();
		OutboundTask outbound;
		try {
			outbound = new OutboundTask(envelope(id, task, args, kwargs, headers, resolution.options(), queue), queue,
					options.key(), decision.cluster());
		}
		catch (JacksonException ex) {
			return failed(observation, task, queue, decision.backend(), decision.cluster(),
					new IllegalArgumentException("Arguments of task '" + task + "' cannot be written as JSON: "
							+ ex.getOriginalMessage(), ex));
		}
		TaskTransport transport = this.transports.get(decision.backend());
		if (transport == null) {
			return failed(observation, task, queue, decision.backend(), decision.cluster(),
					new IllegalStateException("Task '" + task + "' of queue '" + queue + "' is routed to "
							+ decision.backend() + " by rule '" + decision.rule() + "', but this application has no "
							+ decision.backend() + " transport; configured: " + this.transports.keySet()));
		}
		if (decision.shadow() != null) {
			sendShadow(outbound, decision.shadow());
		}
		Backend backend = decision.backend();
		String cluster = decision.cluster();
		// written here, not on the producer's thread that completes the send
		String arguments = this.lifecycle.arguments(outbound.envelope());
		CompletableFuture<DispatchReceipt> sent = send(transport, outbound);
		return sent.whenComplete((receipt, failure) -> {
			if (failure != null) {
				this.observer.dispatchFailed(task, queue, backend, cluster, failure);
			}
			else {
				this.observer.dispatched(task, queue, backend, cluster);
				// on the cluster that took it: the route's, or the default one it fell back to
				this.lifecycle.dispatched(outbound.envelope(), queue, backend, receipt.cluster(), arguments);
			}
			stop(observation, failure);
		});
	}

	/**
	 * Return the sender context of a dispatch, or {@code null} when dispatches are not
	 * observed: then the task's headers are not even copied.
	 */
	private @Nullable TaskSenderContext senderContext(String id, String task, String queue, Backend backend,
			Map<String, String> headers) {
		return this.observationRegistry.isNoop() ? null : new TaskSenderContext(id, task, queue, backend, headers);
	}

	/**
	 * Start the observation of a dispatch; a propagating handler writes the trace context
	 * into the context's headers as it starts.
	 */
	private Observation startObservation(@Nullable TaskSenderContext sending) {
		if (sending == null) {
			return Observation.NOOP;
		}
		return TaskObservation.DISPATCH.start(this.observationConvention,
				DefaultTaskDispatchObservationConvention.INSTANCE, () -> sending, this.observationRegistry);
	}

	private static void stop(Observation observation, @Nullable Throwable failure) {
		if (failure != null) {
			observation.error(failure);
		}
		observation.stop();
	}

	private CompletableFuture<DispatchReceipt> failed(Observation observation, String task, String queue,
			Backend backend, @Nullable String cluster, RuntimeException failure) {
		stop(observation, failure);
		return failed(task, queue, backend, cluster, failure);
	}

	private CompletableFuture<DispatchReceipt> failed(String task, String queue, Backend backend,
			@Nullable String cluster, RuntimeException failure) {
		this.observer.dispatchFailed(task, queue, backend, cluster, failure);
		return CompletableFuture.failedFuture(failure);
	}

	private void sendShadow(OutboundTask outbound, Backend shadow) {
		TaskTransport transport = this.transports.get(shadow);
		String task = outbound.envelope().task();
		if (transport == null) {
			logger.warn("No shadow copy of task '" + task + "': this application has no " + shadow + " transport");
			return;
		}
		// a shadow copy to Kafka goes to the default cluster
		OutboundTask copy = new OutboundTask(outbound.envelope(), outbound.queue(), outbound.key());
		send(transport, copy).whenComplete((receipt, failure) -> {
			if (failure != null) {
				logger.warn("Shadow copy of task '" + task + "' [" + outbound.envelope().id() + "] to " + shadow
						+ " failed: " + failure);
			}
		});
	}

	private static CompletableFuture<DispatchReceipt> send(TaskTransport transport, OutboundTask outbound) {
		try {
			return transport.send(outbound);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Say why a backend cannot take a dispatch now, if it cannot.
	 */
	private @Nullable String unavailableReason(Backend backend) {
		TaskTransport transport = this.transports.get(backend);
		return (transport != null) ? transport.unavailableReason() : null;
	}

	private String queueFor(String task, TaskOptions options) {
		if (options.queue() != null) {
			return options.queue();
		}
		TaskDefinition definition = this.registry.find(task);
		if (definition != null && definition.queue() != null) {
			return definition.queue();
		}
		return this.defaultQueue;
	}

	private TaskEnvelope envelope(String id, String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, Map<String, String> headers,
			Map<TaskOption, JsonNode> resolved, String queue) {
		List<JsonNode> argNodes = new ArrayList<>(args.size());
		for (Object arg : args) {
			argNodes.add(toNode(arg));
		}
		Map<String, JsonNode> kwargNodes = new LinkedHashMap<>();
		kwargs.forEach((name, value) -> kwargNodes.put(name, toNode(value)));
		Map<String, JsonNode> optionNodes = new LinkedHashMap<>();
		Instant created = this.clock.instant();
		resolved.forEach((option, value) -> {
			// the id and the headers have fields of their own; a countdown is an eta
			if (option == TaskOption.COUNTDOWN) {
				if (!resolved.containsKey(TaskOption.ETA)) {
					optionNodes.put(TaskOption.ETA.celeryName(), JsonNodeFactory.instance
						.stringNode(created.plusMillis(Math.round(value.asDouble() * 1000)).toString()));
				}
			}
			else if (option != TaskOption.TASK_ID && option != TaskOption.HEADERS) {
				optionNodes.put(option.celeryName(), value);
			}
		});
		optionNodes.put(TaskOption.QUEUE.celeryName(), JsonNodeFactory.instance.stringNode(queue));
		return new TaskEnvelope(id, task, argNodes, kwargNodes, optionNodes, headers, created, 0);
	}

	private JsonNode toNode(@Nullable Object value) {
		return (value != null) ? this.mapper.valueToTree(value) : JsonNodeFactory.instance.nullNode();
	}

}
