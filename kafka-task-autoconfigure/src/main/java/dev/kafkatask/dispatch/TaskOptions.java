package dev.kafkatask.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Options of one dispatch. Each {@code with…} method returns a copy.
 *
 * @param queue the queue to publish to, or {@code null} for the task's own queue
 * @param taskId the task id to use, or {@code null} for a random one
 * @param key the partitioning key, or {@code null} to let the transport spread tasks
 * @param headers free-form headers that travel with the task
 * @author kafka-task
 */
public record TaskOptions(@Nullable String queue, @Nullable String taskId, @Nullable String key,
		Map<String, String> headers) {

	private static final TaskOptions NONE = new TaskOptions(null, null, null, Map.of());

	public TaskOptions {
		headers = Map.copyOf(headers);
	}

	/**
	 * Return options that set nothing.
	 * @return empty options
	 */
	public static TaskOptions none() {
		return NONE;
	}

	public TaskOptions withQueue(@Nullable String queue) {
		return new TaskOptions(queue, this.taskId, this.key, this.headers);
	}

	public TaskOptions withTaskId(@Nullable String taskId) {
		return new TaskOptions(this.queue, taskId, this.key, this.headers);
	}

	public TaskOptions withKey(@Nullable String key) {
		return new TaskOptions(this.queue, this.taskId, key, this.headers);
	}

	public TaskOptions withHeader(String name, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.headers);
		copy.put(name, value);
		return new TaskOptions(this.queue, this.taskId, this.key, copy);
	}

}
