package dev.kafkatask.dispatch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.util.Assert;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * {@link TaskDispatcher} that builds a {@link TaskEnvelope}, picks the queue and hands the
 * task to a {@link TaskTransport}.
 * <p>
 * The queue is the one named in the options, else the registered task's own queue, else the
 * default queue.
 *
 * @author kafka-task
 */
public class DefaultTaskDispatcher implements TaskDispatcher {

	private final TaskRegistry registry;

	private final TaskTransport transport;

	private final JsonMapper mapper;

	private final String defaultQueue;

	private final TaskObserver observer;

	private final Clock clock;

	public DefaultTaskDispatcher(TaskRegistry registry, TaskTransport transport, JsonMapper mapper,
			String defaultQueue, TaskObserver observer, Clock clock) {
		this.registry = registry;
		this.transport = transport;
		this.mapper = mapper;
		this.defaultQueue = defaultQueue;
		this.observer = observer;
		this.clock = clock;
	}

	@Override
	public CompletableFuture<DispatchReceipt> dispatch(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options) {
		Assert.hasText(task, "'task' must not be empty");
		String queue = queueFor(task, options);
		OutboundTask outbound;
		try {
			outbound = new OutboundTask(envelope(task, args, kwargs, options, queue), queue, options.key());
		}
		catch (JacksonException ex) {
			IllegalArgumentException failure = new IllegalArgumentException(
					"Arguments of task '" + task + "' cannot be written as JSON: " + ex.getOriginalMessage(), ex);
			this.observer.dispatchFailed(task, queue, failure);
			return CompletableFuture.failedFuture(failure);
		}
		CompletableFuture<DispatchReceipt> sent;
		try {
			sent = this.transport.send(outbound);
		}
		catch (RuntimeException ex) {
			sent = CompletableFuture.failedFuture(ex);
		}
		return sent.whenComplete((receipt, failure) -> {
			if (failure != null) {
				this.observer.dispatchFailed(task, queue, failure);
			}
			else {
				this.observer.dispatched(task, queue);
			}
		});
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

	private TaskEnvelope envelope(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options, String queue) {
		List<JsonNode> argNodes = new ArrayList<>(args.size());
		for (Object arg : args) {
			argNodes.add(toNode(arg));
		}
		Map<String, JsonNode> kwargNodes = new LinkedHashMap<>();
		kwargs.forEach((name, value) -> kwargNodes.put(name, toNode(value)));
		String id = (options.taskId() != null) ? options.taskId() : UUID.randomUUID().toString();
		Map<String, JsonNode> optionNodes = Map.of("queue", JsonNodeFactory.instance.stringNode(queue));
		return new TaskEnvelope(id, task, argNodes, kwargNodes, optionNodes, options.headers(), this.clock.instant(),
				0);
	}

	private JsonNode toNode(@Nullable Object value) {
		return (value != null) ? this.mapper.valueToTree(value) : JsonNodeFactory.instance.nullNode();
	}

}
