package dev.kafkatask.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.observation.transport.SenderContext;

import dev.kafkatask.routing.Backend;

/**
 * {@link SenderContext} of a dispatch: its carrier is the headers the task will travel with,
 * into which a propagating handler writes the trace context ({@code traceparent},
 * {@code tracestate}, {@code b3}, ...).
 *
 * @author kafka-task
 */
public class TaskSenderContext extends SenderContext<Map<String, String>> {

	private final String taskId;

	private final String task;

	private final String queue;

	private final Backend backend;

	private final Map<String, String> headers;

	/**
	 * Create a context.
	 * @param taskId the task id
	 * @param task the task name
	 * @param queue the queue the task goes to
	 * @param backend the backend that takes it
	 * @param headers the headers set by the dispatch, copied
	 */
	public TaskSenderContext(String taskId, String task, String queue, Backend backend, Map<String, String> headers) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		});
		this.taskId = taskId;
		this.task = task;
		this.queue = queue;
		this.backend = backend;
		this.headers = new LinkedHashMap<>(headers);
		setCarrier(this.headers);
		setRemoteServiceName(backend.id());
	}

	public String getTaskId() {
		return this.taskId;
	}

	public String getTask() {
		return this.task;
	}

	public String getQueue() {
		return this.queue;
	}

	public Backend getBackend() {
		return this.backend;
	}

	/**
	 * Return the headers the task travels with: the dispatch's own and those the
	 * propagation wrote.
	 * @return the headers, mutable
	 */
	public Map<String, String> getHeaders() {
		return this.headers;
	}

}
