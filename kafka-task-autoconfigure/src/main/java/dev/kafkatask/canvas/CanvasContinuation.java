package dev.kafkatask.canvas;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.execution.ForbiddenDestinationException;
import dev.kafkatask.execution.TaskContinuation;
import dev.kafkatask.options.TaskOption;

/**
 * Takes a canvas on after each of its tasks, on the worker that ran it, before the task's
 * record or message is settled:
 * <ul>
 * <li>after a success, its {@code link}s are dispatched with its result as first argument,
 * the next task of its {@code chain} with the result and the rest of the chain, and a chord
 * member reports its result to the chord joiner;</li>
 * <li>after a failure for good, its {@code link_error}s are dispatched with its id as first
 * argument and the failure in {@link CanvasHeaders}, the rest of its chain is dropped, and a
 * chord member reports its failure.</li>
 * </ul>
 * The task is settled once the broker acknowledged all of it; if that fails, the task is
 * dead-lettered {@code continuation-failed}. Tasks dispatched here have ids derived from the
 * task before them when the canvas did not give them one, so that a task run twice (after a
 * worker died) enqueues what follows it under the same ids.
 * <p>
 * What a task carries comes from a record or message, so it is checked before the task runs
 * ({@link #check}): signatures must be of Celery's shape, name only Celery's options with
 * values that fit, and name only queues this application knows.
 *
 * @author kafka-task
 */
public class CanvasContinuation implements TaskContinuation {

	private static final Log logger = LogFactory.getLog(CanvasContinuation.class);

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final Supplier<TaskDispatcher> dispatcher;

	private final JsonMapper mapper;

	private final Predicate<String> knownQueue;

	private final @Nullable ChordMembers chordMembers;

	private final Duration timeout;

	/**
	 * Create a continuation.
	 * @param dispatcher dispatches what follows a task
	 * @param mapper writes results as arguments
	 * @param knownQueue whether a queue named by a signature is one this application may write
	 * to
	 * @param chordMembers where chord members are reported, or {@code null} without a Kafka
	 * leg: a chord member then fails with {@code continuation-failed}
	 * @param timeout how long to wait for the broker to acknowledge what follows a task
	 */
	public CanvasContinuation(Supplier<TaskDispatcher> dispatcher, JsonMapper mapper, Predicate<String> knownQueue,
			@Nullable ChordMembers chordMembers, Duration timeout) {
		this.dispatcher = dispatcher;
		this.mapper = mapper;
		this.knownQueue = knownQueue;
		this.chordMembers = chordMembers;
		this.timeout = timeout;
	}

	@Override
	public void check(TaskEnvelope envelope) {
		CanvasParts parts = parts(envelope);
		for (SignatureMessage signature : parts.all()) {
			String queue = signature.queue();
			if (queue != null && !this.knownQueue.test(queue)) {
				throw new ForbiddenDestinationException("Task '" + envelope.task() + "' [" + envelope.id()
						+ "] asks for task '" + signature.task() + "' on queue '" + queue
						+ "', which is not a queue of this application");
			}
		}
	}

	@Override
	public void succeeded(TaskEnvelope envelope, @Nullable Object result) throws Exception {
		CanvasParts parts = parts(envelope);
		if (parts.isEmpty()) {
			return;
		}
		JsonNode value = this.mapper.valueToTree(result);
		List<CompletableFuture<?>> sent = new ArrayList<>();
		if (parts.chord() != null) {
			sent.add(reportMember(envelope, parts, true, value, null));
		}
		for (int i = 0; i < parts.links().size(); i++) {
			sent.add(send(parts.links().get(i), value, derivedId(envelope, "link", i), Map.of(), null));
		}
		if (!parts.chain().isEmpty()) {
			List<SignatureMessage> chain = parts.chain();
			JsonNode rest = null;
			if (chain.size() > 1) {
				ArrayNode remaining = NODES.arrayNode();
				JsonNode all = envelope.options().get(TaskOption.CHAIN.celeryName());
				for (int i = 0; i < chain.size() - 1; i++) {
					remaining.add(all.get(i));
				}
				rest = remaining;
			}
			sent.add(send(chain.getLast(), value, derivedId(envelope, "chain", 0), Map.of(), rest));
		}
		await(envelope, sent);
	}

	@Override
	public void failed(TaskEnvelope envelope, Throwable failure) throws Exception {
		CanvasParts parts = parts(envelope);
		if (parts.isEmpty()) {
			return;
		}
		String error = CanvasHeaders.describe(failure);
		List<CompletableFuture<?>> sent = new ArrayList<>();
		if (parts.chord() != null) {
			sent.add(reportMember(envelope, parts, false, null, error));
		}
		Map<String, String> headers = Map.of(CanvasHeaders.ERROR, error, CanvasHeaders.FAILED_TASK, envelope.id());
		for (int i = 0; i < parts.errorLinks().size(); i++) {
			sent.add(send(parts.errorLinks().get(i), NODES.stringNode(envelope.id()),
					derivedId(envelope, "link_error", i), headers, null));
		}
		if (!parts.chain().isEmpty() && logger.isDebugEnabled()) {
			logger.debug("Task '" + envelope.task() + "' [" + envelope.id() + "] failed: the " + parts.chain().size()
					+ " tasks after it in its chain do not run");
		}
		await(envelope, sent);
	}

	private CompletableFuture<?> reportMember(TaskEnvelope envelope, CanvasParts parts, boolean succeeded,
			@Nullable JsonNode result, @Nullable String error) {
		ChordMembers members = this.chordMembers;
		if (members == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("Task '" + envelope.task() + "' ["
					+ envelope.id() + "] is a member of a chord, whose members are counted in Kafka: this application "
					+ "has no Kafka leg"));
		}
		JsonNode callback = envelope.options().get(TaskOption.CHORD.celeryName());
		return members.finished(new ChordMember(parts.groupId(), parts.groupIndex(), envelope.id(), callback,
				succeeded, result, error));
	}

	private CompletableFuture<?> send(SignatureMessage signature, JsonNode first, String defaultId,
			Map<String, String> headers, @Nullable JsonNode chain) {
		TaskOptions options = TaskOptions.none().withAfterCommit(false);
		for (Map.Entry<TaskOption, JsonNode> option : signature.options().entrySet()) {
			options = options.withOption(option.getKey().celeryName(), option.getValue());
		}
		if (options.taskId() == null) {
			options = options.withTaskId(defaultId);
		}
		for (Map.Entry<String, String> header : headers.entrySet()) {
			options = options.withHeader(header.getKey(), header.getValue());
		}
		// Its id is the same on every run of the task before it: a copy is skipped.
		options = options.withHeader(FinishedTasks.HEADER, "true");
		if (chain != null) {
			options = options.withOption(TaskOption.CHAIN.celeryName(), chain);
		}
		List<JsonNode> args = new ArrayList<>();
		if (!signature.immutable()) {
			args.add(first);
		}
		args.addAll(signature.args());
		try {
			return this.dispatcher.get().dispatch(signature.task(), args, signature.kwargs(), options);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void await(TaskEnvelope envelope, List<CompletableFuture<?>> sent) throws Exception {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		Exception failure = null;
		for (CompletableFuture<?> future : sent) {
			try {
				future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (ExecutionException ex) {
				Exception cause = (ex.getCause() instanceof Exception exception) ? exception : ex;
				if (failure == null) {
					failure = cause;
				}
				else {
					failure.addSuppressed(cause);
				}
			}
			catch (TimeoutException ex) {
				TimeoutException timedOut = new TimeoutException("What follows task '" + envelope.task() + "' ["
						+ envelope.id() + "] was not acknowledged within " + this.timeout);
				if (failure == null) {
					failure = timedOut;
				}
				else {
					failure.addSuppressed(timedOut);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Return the id of a task that follows another one when its signature gives none: the
	 * same for every run of the task before it.
	 */
	private static String derivedId(TaskEnvelope envelope, String role, int index) {
		return derivedId(envelope.id(), role, index);
	}

	/**
	 * Return the id of a task that follows another one (or a chord) when its signature gives
	 * none: the same every time.
	 * @param parentId the id of the task (or group) before it
	 * @param role how it follows, such as {@code link}, {@code link_error}, {@code chain}
	 * @param index its index among those that follow alike
	 * @return the id, a name-based UUID
	 */
	public static String derivedId(String parentId, String role, int index) {
		return UUID.nameUUIDFromBytes((parentId + "/" + role + "/" + index).getBytes(StandardCharsets.UTF_8))
			.toString();
	}

	private static CanvasParts parts(TaskEnvelope envelope) {
		Map<String, JsonNode> options = envelope.options();
		List<SignatureMessage> links = SignatureMessage.list(options.get(TaskOption.LINK.celeryName()));
		List<SignatureMessage> errorLinks = SignatureMessage.list(options.get(TaskOption.LINK_ERROR.celeryName()));
		JsonNode chainJson = options.get(TaskOption.CHAIN.celeryName());
		if (chainJson != null && !chainJson.isNull() && !chainJson.isArray()) {
			throw new InvalidEnvelopeException("Option 'chain' must be an array of signatures");
		}
		List<SignatureMessage> chain = SignatureMessage.list(chainJson);
		JsonNode chordJson = options.get(TaskOption.CHORD.celeryName());
		SignatureMessage chord = null;
		String groupId = null;
		int groupIndex = -1;
		if (chordJson != null && !chordJson.isNull()) {
			chord = SignatureMessage.of(chordJson);
			JsonNode group = options.get(TaskOption.GROUP.celeryName());
			JsonNode index = options.get(TaskOption.GROUP_INDEX.celeryName());
			Integer size = chord.chordSize();
			if (group == null || !group.isString() || group.asString().isBlank()) {
				throw new InvalidEnvelopeException("A member of a chord must name its group");
			}
			if (size == null || size < 1) {
				throw new InvalidEnvelopeException("The callback of chord " + group.asString()
						+ " must say its chord_size");
			}
			if (index == null || !index.isIntegralNumber() || !index.canConvertToInt() || index.asInt() < 0
					|| index.asInt() >= size) {
				throw new InvalidEnvelopeException("A member of chord " + group.asString()
						+ " must have a group_index from 0 to " + (size - 1));
			}
			groupId = group.asString();
			groupIndex = index.asInt();
		}
		return new CanvasParts(links, errorLinks, chain, chord, groupId, groupIndex);
	}

}
