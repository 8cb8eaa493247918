package dev.kafkatask.canvas;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.options.TaskOption;

/**
 * Dispatches a {@link Canvas} as tasks whose options carry the rest of it, the way Celery
 * writes a canvas into its messages: every task gets its id first, a chain's first task
 * carries the rest of the chain ({@code chain}, the next task last), each member of a group
 * its {@code group} and {@code group_index}, and each member of a chord the chord's callback
 * too ({@code chord}, with its {@code chord_size}). Workers take it from there.
 *
 * @author kafka-task
 */
public final class CanvasDispatch {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final TaskDispatcher dispatcher;

	private final JsonMapper mapper;

	/**
	 * Create a canvas dispatch.
	 * @param dispatcher dispatches each task
	 * @param mapper writes the arguments of the tasks that travel in other tasks
	 */
	public CanvasDispatch(TaskDispatcher dispatcher, JsonMapper mapper) {
		this.dispatcher = dispatcher;
		this.mapper = mapper;
	}

	/**
	 * Dispatch a canvas.
	 * @param canvas the canvas
	 * @return its receipt, once the broker acknowledged the tasks enqueued now; a group or
	 * chord whose member could not be dispatched fails (the members that were dispatched
	 * run)
	 */
	public CompletableFuture<CanvasReceipt> dispatch(Canvas canvas) {
		try {
			return switch (canvas) {
				case Signature signature -> signature(signature);
				case Chain chain -> chain(chain);
				case Group group -> group(group);
				case Chord chord -> chord(chord);
			};
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private CompletableFuture<CanvasReceipt> signature(Signature signature) {
		String id = idOf(signature);
		return send(signature, withLinks(signature, List.of(), id)).thenApply(
				(receipt) -> new CanvasReceipt(id, List.of(id), null, List.of(receipt)));
	}

	private CompletableFuture<CanvasReceipt> chain(Chain chain) {
		List<Signature> tasks = chain.tasks();
		List<String> ids = new ArrayList<>();
		List<TaskOptions> options = new ArrayList<>();
		for (Signature task : tasks) {
			String id = idOf(task);
			ids.add(id);
			options.add(withLinks(task, chain.errorLinks(), id));
		}
		// Celery's order: the next task last, so that each worker pops it.
		ArrayNode rest = NODES.arrayNode();
		for (int i = tasks.size() - 1; i > 0; i--) {
			rest.add(SignatureMessage.json(tasks.get(i), options.get(i), null, this.mapper));
		}
		TaskOptions first = options.getFirst();
		if (!rest.isEmpty()) {
			first = first.withOption(TaskOption.CHAIN.celeryName(), rest);
		}
		return send(tasks.getFirst(), first)
			.thenApply((receipt) -> new CanvasReceipt(ids.getLast(), ids, null, List.of(receipt)));
	}

	private CompletableFuture<CanvasReceipt> group(Group group) {
		String groupId = UUID.randomUUID().toString();
		List<String> ids = new ArrayList<>();
		List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
		List<Signature> tasks = group.tasks();
		for (int i = 0; i < tasks.size(); i++) {
			Signature task = tasks.get(i);
			String id = idOf(task);
			ids.add(id);
			sent.add(send(task, member(withLinks(task, List.of(), id), groupId, i)));
		}
		return all(sent).thenApply((receipts) -> new CanvasReceipt(groupId, ids, groupId, receipts));
	}

	private CompletableFuture<CanvasReceipt> chord(Chord chord) {
		String groupId = UUID.randomUUID().toString();
		Signature callback = chord.callback();
		String callbackId = idOf(callback);
		List<Signature> tasks = chord.header().tasks();
		if (tasks.isEmpty()) {
			// Celery's way: a chord of no members calls back at once, with no results.
			Signature now = new Signature(callback.task(), prepend(List.of(), callback), callback.kwargs(),
					callback.options(), callback.isImmutable(), callback.links(), callback.errorLinks());
			return send(now, withLinks(now, List.of(), callbackId)).thenApply(
					(receipt) -> new CanvasReceipt(callbackId, List.of(callbackId), groupId, List.of(receipt)));
		}
		var callbackJson = SignatureMessage.json(callback, withLinks(callback, List.of(), callbackId), tasks.size(),
				this.mapper);
		List<String> ids = new ArrayList<>();
		List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
		for (int i = 0; i < tasks.size(); i++) {
			Signature task = tasks.get(i);
			String id = idOf(task);
			ids.add(id);
			sent.add(send(task, member(withLinks(task, List.of(), id), groupId, i)
				.withOption(TaskOption.CHORD.celeryName(), callbackJson)));
		}
		ids.add(callbackId);
		return all(sent).thenApply((receipts) -> new CanvasReceipt(callbackId, ids, groupId, receipts));
	}

	private static List<@Nullable Object> prepend(List<?> results, Signature callback) {
		if (callback.isImmutable()) {
			return callback.args();
		}
		List<@Nullable Object> args = new ArrayList<>();
		args.add(results);
		args.addAll(callback.args());
		return args;
	}

	private static TaskOptions member(TaskOptions options, String groupId, int index) {
		TaskOptions member = options.withOption(TaskOption.GROUP.celeryName(), groupId)
			.withOption(TaskOption.GROUP_INDEX.celeryName(), index);
		// A key of its own, unless it has one: without a key the producer sticks to one
		// partition per batch, so a group sent at once landed on one or two partitions and ran
		// on the workers that held them while the others stood by
		return (options.key() != null) ? member : member.withKey(groupId + "#" + index);
	}

	/**
	 * Return a task's options with its id, its links and its error links (its own and those
	 * of the canvas around it) written in.
	 */
	private TaskOptions withLinks(Signature task, List<Signature> moreErrorLinks, String id) {
		if (task.options().unique() != null) {
			throw new IllegalArgumentException("Task '" + task.task()
					+ "' of a canvas is unique: uniqueness is an option of single dispatches");
		}
		TaskOptions options = task.options().withTaskId(id).withHeader(FinishedTasks.HEADER, "true");
		if (!task.links().isEmpty()) {
			options = options.withOption(TaskOption.LINK.celeryName(), signatures(task.links()));
		}
		List<Signature> errorLinks = new ArrayList<>(task.errorLinks());
		errorLinks.addAll(moreErrorLinks);
		if (!errorLinks.isEmpty()) {
			options = options.withOption(TaskOption.LINK_ERROR.celeryName(), signatures(errorLinks));
		}
		return options;
	}

	private ArrayNode signatures(List<Signature> signatures) {
		ArrayNode array = NODES.arrayNode();
		for (Signature signature : signatures) {
			TaskOptions options = signature.options().withHeader(FinishedTasks.HEADER, "true");
			if (!signature.links().isEmpty()) {
				options = options.withOption(TaskOption.LINK.celeryName(), signatures(signature.links()));
			}
			if (!signature.errorLinks().isEmpty()) {
				options = options.withOption(TaskOption.LINK_ERROR.celeryName(), signatures(signature.errorLinks()));
			}
			array.add(SignatureMessage.json(signature, options, null, this.mapper));
		}
		return array;
	}

	private CompletableFuture<DispatchReceipt> send(Signature task, TaskOptions options) {
		return this.dispatcher.dispatch(task.task(), task.args(), task.kwargs(), options);
	}

	private static String idOf(Signature task) {
		String id = task.options().taskId();
		return (id != null) ? id : UUID.randomUUID().toString();
	}

	private static CompletableFuture<List<DispatchReceipt>> all(List<CompletableFuture<DispatchReceipt>> sent) {
		return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
			.thenApply((done) -> sent.stream().map(CompletableFuture::join).toList());
	}

}
