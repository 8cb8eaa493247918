package dev.kafkatask.codec;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A task on the wire: which task to run and with which arguments, independent of the
 * transport that carries it.
 *
 * @param id the task id, unique per dispatch
 * @param task the task name
 * @param args the positional arguments
 * @param kwargs the keyword arguments
 * @param options the dispatch options, as JSON values by option name
 * @param headers free-form string headers
 * @param created when the task was dispatched
 * @param retries how many times the task was retried
 * @author kafka-task
 */
public record TaskEnvelope(String id, String task, List<JsonNode> args, Map<String, JsonNode> kwargs,
		Map<String, JsonNode> options, Map<String, String> headers, Instant created, int retries) {

	/**
	 * The envelope format version this codec writes and reads.
	 */
	public static final int VERSION = 1;

	public TaskEnvelope {
		args = List.copyOf(args);
		kwargs = Map.copyOf(kwargs);
		options = Map.copyOf(options);
		headers = Map.copyOf(headers);
	}

	/**
	 * Return a copy with another retry count.
	 * @param retries the retry count
	 * @return the copy
	 */
	public TaskEnvelope withRetries(int retries) {
		return new TaskEnvelope(this.id, this.task, this.args, this.kwargs, this.options, this.headers, this.created,
				retries);
	}

	/**
	 * Return a copy with an option set.
	 * @param name the option name
	 * @param value its value
	 * @return the copy
	 */
	public TaskEnvelope withOption(String name, JsonNode value) {
		Map<String, JsonNode> copy = new java.util.HashMap<>(this.options);
		copy.put(name, value);
		return new TaskEnvelope(this.id, this.task, this.args, this.kwargs, copy, this.headers, this.created,
				this.retries);
	}

	/**
	 * Return a copy without a header.
	 * @param name the header name
	 * @return the copy, or this envelope if it has no such header
	 */
	public TaskEnvelope withoutHeader(String name) {
		if (!this.headers.containsKey(name)) {
			return this;
		}
		Map<String, String> copy = new java.util.HashMap<>(this.headers);
		copy.remove(name);
		return new TaskEnvelope(this.id, this.task, this.args, this.kwargs, this.options, copy, this.created,
				this.retries);
	}

	/**
	 * Return a copy with a header set.
	 * @param name the header name
	 * @param value its value
	 * @return the copy
	 */
	public TaskEnvelope withHeader(String name, String value) {
		Map<String, String> copy = new java.util.HashMap<>(this.headers);
		copy.put(name, value);
		return new TaskEnvelope(this.id, this.task, this.args, this.kwargs, this.options, copy, this.created,
				this.retries);
	}

}
