package dev.kafkatask.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.options.TaskOption;

/**
 * Options of one dispatch. Each {@code with…} method returns a copy.
 *
 * @param queue the queue to publish to, or {@code null} for the task's own queue
 * @param taskId the task id to use, or {@code null} for a random one
 * @param key the partitioning key, or {@code null} to let the transport spread tasks
 * @param headers free-form headers that travel with the task
 * @param eta the earliest time the task should run (Celery's {@code eta}), or {@code null}
 * @param expires the time after which the task should not run (Celery's {@code expires}),
 * or {@code null}
 * @param options the other Celery options of this dispatch (priority, time limits, ...)
 * @param afterCommit whether a dispatch made inside a Spring-managed transaction waits for
 * its commit (and is dropped on rollback), like Celery's {@code delay_on_commit}; {@code null}
 * for the application's default ({@code kafka-task.dispatch.after-commit})
 * @param unique the key that makes this dispatch unique, or {@code null}
 * @author kafka-task
 */
public record TaskOptions(@Nullable String queue, @Nullable String taskId, @Nullable String key,
		Map<String, String> headers, @Nullable Instant eta, @Nullable Instant expires,
		Map<TaskOption, JsonNode> options, @Nullable Boolean afterCommit, @Nullable UniqueKey unique) {

	private static final TaskOptions NONE = new TaskOptions(null, null, null, Map.of(), null, null, Map.of(), null,
			null);

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	public TaskOptions {
		headers = Map.copyOf(headers);
		options = Map.copyOf(options);
	}

	public TaskOptions(@Nullable String queue, @Nullable String taskId, @Nullable String key,
			Map<String, String> headers, @Nullable Instant eta, @Nullable Instant expires,
			Map<TaskOption, JsonNode> options) {
		this(queue, taskId, key, headers, eta, expires, options, null, null);
	}

	public TaskOptions(@Nullable String queue, @Nullable String taskId, @Nullable String key,
			Map<String, String> headers, @Nullable Instant eta, @Nullable Instant expires) {
		this(queue, taskId, key, headers, eta, expires, Map.of(), null, null);
	}

	/**
	 * Return options that set nothing.
	 * @return empty options
	 */
	public static TaskOptions none() {
		return NONE;
	}

	public TaskOptions withQueue(@Nullable String queue) {
		return new TaskOptions(queue, this.taskId, this.key, this.headers, this.eta, this.expires, this.options,
				this.afterCommit, this.unique);
	}

	public TaskOptions withTaskId(@Nullable String taskId) {
		return new TaskOptions(this.queue, taskId, this.key, this.headers, this.eta, this.expires, this.options,
				this.afterCommit, this.unique);
	}

	public TaskOptions withKey(@Nullable String key) {
		return new TaskOptions(this.queue, this.taskId, key, this.headers, this.eta, this.expires, this.options,
				this.afterCommit, this.unique);
	}

	public TaskOptions withHeader(String name, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.headers);
		copy.put(name, value);
		return new TaskOptions(this.queue, this.taskId, this.key, copy, this.eta, this.expires, this.options,
				this.afterCommit, this.unique);
	}

	public TaskOptions withEta(@Nullable Instant eta) {
		return new TaskOptions(this.queue, this.taskId, this.key, this.headers, eta, this.expires, this.options,
				this.afterCommit, this.unique);
	}

	/**
	 * Return a copy with a Celery option set by its Celery name, for example
	 * {@code withOption("priority", 5)} or {@code withOption("countdown", 3)}. {@code queue},
	 * {@code task_id}, {@code eta}, {@code countdown}, {@code expires} (an instant, or seconds
	 * from now) and {@code headers} set the fields of the same meaning.
	 * @param name the option's Celery name
	 * @param value its value: a string, number, boolean, {@code Instant}, {@code Duration},
	 * class, collection or map
	 * @return the new options
	 * @throws IllegalArgumentException if Celery has no such option or the value does not fit it
	 */
	public TaskOptions withOption(String name, @Nullable Object value) {
		TaskOption option = TaskOption.of(name);
		JsonNode json = option.validate(toJson(value));
		return switch (option) {
			case QUEUE -> withQueue(json.asString());
			case TASK_ID -> withTaskId(json.asString());
			case ETA -> withEta(Instant.parse(json.asString()));
			case COUNTDOWN -> withCountdown(Duration.ofMillis(Math.round(json.asDouble() * 1000)));
			case EXPIRES -> withExpires(json.isNumber() ? Instant.now().plusMillis(Math.round(json.asDouble() * 1000))
					: Instant.parse(json.asString()));
			case HEADERS -> {
				TaskOptions with = this;
				for (Map.Entry<String, JsonNode> header : json.properties()) {
					with = with.withHeader(header.getKey(),
							header.getValue().isString() ? header.getValue().asString() : header.getValue().toString());
				}
				yield with;
			}
			default -> {
				Map<TaskOption, JsonNode> copy = new EnumMap<>(TaskOption.class);
				copy.putAll(this.options);
				copy.put(option, json);
				yield new TaskOptions(this.queue, this.taskId, this.key, this.headers, this.eta, this.expires, copy,
						this.afterCommit, this.unique);
			}
		};
	}

	/**
	 * Return every Celery option this dispatch sets, by option.
	 * @return the options, including queue, task id, eta, expires and headers when set
	 */
	public Map<TaskOption, JsonNode> celeryOptions() {
		Map<TaskOption, JsonNode> all = new EnumMap<>(TaskOption.class);
		all.putAll(this.options);
		if (this.queue != null) {
			all.put(TaskOption.QUEUE, NODES.stringNode(this.queue));
		}
		if (this.taskId != null) {
			all.put(TaskOption.TASK_ID, NODES.stringNode(this.taskId));
		}
		if (this.eta != null) {
			all.put(TaskOption.ETA, NODES.stringNode(this.eta.toString()));
		}
		if (this.expires != null) {
			all.put(TaskOption.EXPIRES, NODES.stringNode(this.expires.toString()));
		}
		if (!this.headers.isEmpty()) {
			var headers = NODES.objectNode();
			this.headers.forEach(headers::put);
			all.put(TaskOption.HEADERS, headers);
		}
		return all;
	}

	private static JsonNode toJson(@Nullable Object value) {
		if (value == null) {
			return NODES.nullNode();
		}
		if (value instanceof JsonNode node) {
			return node;
		}
		if (value instanceof Boolean flag) {
			return NODES.booleanNode(flag);
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Short) {
			return NODES.numberNode(((Number) value).longValue());
		}
		if (value instanceof Number number) {
			return NODES.numberNode(number.doubleValue());
		}
		if (value instanceof Duration duration) {
			return NODES.numberNode(duration.toMillis() / 1000.0);
		}
		if (value instanceof Class<?> type) {
			return NODES.stringNode(type.getName());
		}
		if (value instanceof java.util.Collection<?> collection) {
			var array = NODES.arrayNode();
			collection.forEach((element) -> array.add(toJson(element)));
			return array;
		}
		if (value instanceof Map<?, ?> map) {
			var object = NODES.objectNode();
			map.forEach((key, element) -> object.set(String.valueOf(key), toJson(element)));
			return object;
		}
		return NODES.stringNode(value.toString());
	}

	/**
	 * Return a copy whose eta is the given delay from now (Celery's {@code countdown}).
	 * @param countdown the delay
	 * @return the new options
	 */
	public TaskOptions withCountdown(Duration countdown) {
		return withEta(Instant.now().plus(countdown));
	}

	/**
	 * Return a copy that says whether a dispatch made inside a Spring-managed transaction
	 * waits for its commit: sent once the transaction commits, dropped if it rolls back (its
	 * future then fails with a {@link DispatchCancelledException}). Outside a transaction the
	 * task is sent at once either way. Celery's {@code delay_on_commit}.
	 * @param afterCommit whether to wait for the commit
	 * @return the new options
	 */
	public TaskOptions withAfterCommit(boolean afterCommit) {
		return new TaskOptions(this.queue, this.taskId, this.key, this.headers, this.eta, this.expires, this.options,
				afterCommit, this.unique);
	}

	/**
	 * Return a copy that makes the dispatch unique, like celery-once: while another dispatch
	 * with the same key was enqueued less than the window ago, this one is not enqueued and
	 * its future fails with a {@link TaskAlreadyQueuedException}. Every instance of every
	 * application on the same Kafka cluster (and topic prefix) decides alike.
	 * @param key the uniqueness key
	 * @param window how long the first dispatch holds the key
	 * @return the new options
	 */
	public TaskOptions withUnique(String key, Duration window) {
		return new TaskOptions(this.queue, this.taskId, this.key, this.headers, this.eta, this.expires, this.options,
				this.afterCommit, new UniqueKey(key, window));
	}

	public TaskOptions withExpires(@Nullable Instant expires) {
		return new TaskOptions(this.queue, this.taskId, this.key, this.headers, this.eta, expires, this.options,
				this.afterCommit, this.unique);
	}

}
