package dev.kafkatask.options;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

import dev.kafkatask.routing.Backend;

/**
 * Which task options each backend supports, and how: the table the README and the
 * {@code kafkatasks} endpoint show. Some options are supported only with some values (for
 * example {@code acks_late} only {@code true} on Kafka, whose offsets are always committed
 * after the task ran). An option not in a backend's table is not supported there.
 *
 * @author kafka-task
 */
public final class OptionWhitelist {

	private final Map<Backend, Map<TaskOption, Support>> table = new EnumMap<>(Backend.class);

	private OptionWhitelist() {
		for (Backend backend : Backend.values()) {
			this.table.put(backend, new EnumMap<>(TaskOption.class));
		}
	}

	/**
	 * Return the whitelist of this release.
	 * @return the whitelist
	 */
	public static OptionWhitelist standard() {
		OptionWhitelist whitelist = new OptionWhitelist();
		// What kafka-task's own workers do, on either backend.
		for (Backend backend : Backend.values()) {
			whitelist.add(backend, TaskOption.TASK_ID, "the task id of the envelope or message");
			whitelist.add(backend, TaskOption.QUEUE, "the Kafka topic (topic prefix + queue), or the RabbitMQ queue");
			whitelist.add(backend, TaskOption.HEADERS, "travel with the task; a task reads them from its TaskContext");
			whitelist.add(backend, TaskOption.SHADOW, "the name the worker logs the task under");
			whitelist.add(backend, TaskOption.EXPIRES,
					"an expired task is not run: counted (outcome expired) and logged");
			whitelist.add(backend, TaskOption.THROWS, "expected exceptions are logged without a stack trace");
			whitelist.add(backend, TaskOption.RATE_LIMIT, "per task per worker, evenly spaced; a task over its"
					+ " limit waits for its slot in the delay topics (RabbitMQ: republished with an eta), holding no thread");
			whitelist.add(backend, TaskOption.SOFT_TIME_LIMIT, "the task's thread is interrupted at the limit");
			whitelist.add(backend, TaskOption.TIME_LIMIT, "at the limit the task is abandoned: failed, its slot freed and"
					+ " its record committed (acknowledged), its stuck thread logged");
			whitelist.add(backend, TaskOption.SERIALIZER, "only json: payloads are JSON only",
					(value) -> value.asString().equalsIgnoreCase("json"));
			whitelist.add(backend, TaskOption.ACKS_LATE,
					"only true: Kafka offsets are committed, RabbitMQ messages acknowledged, after the task ran",
					(value) -> value.asBoolean());
			whitelist.add(backend, TaskOption.REJECT_ON_WORKER_LOST,
					"only true: a task whose worker died runs again", (value) -> value.asBoolean());
		}
		whitelist.add(Backend.KAFKA, TaskOption.RETRY, "only true: the producer retries until its delivery timeout",
				(value) -> value.asBoolean());
		whitelist.add(Backend.KAFKA, TaskOption.IGNORE_RESULT, "true by default; false sends the result or failure"
				+ " to reply_to (TaskDispatcher.dispatchForResult)");
		whitelist.add(Backend.KAFKA, TaskOption.REPLY_TO, "the reply topic results go to");
		whitelist.add(Backend.RABBITMQ, TaskOption.REPLY_TO, "the AMQP reply_to, for Celery workers");
		whitelist.add(Backend.KAFKA, TaskOption.PRIORITY, "two levels: from kafka-task.kafka.high-priority (5) up,"
				+ " the queue's topic + .high (queues in kafka-task.kafka.priority-queues), started first by a busy worker");
		whitelist.add(Backend.KAFKA, TaskOption.COUNTDOWN, "waits in the delay topics, then runs as with eta");
		whitelist.add(Backend.KAFKA, TaskOption.ETA,
				"waits in the delay topics (tiers, pause-until-due: disk, not memory) until due");
		whitelist.add(Backend.KAFKA, TaskOption.MAX_RETRIES, "retries before the task goes to its dead-letter topic");
		whitelist.add(Backend.KAFKA, TaskOption.DEFAULT_RETRY_DELAY, "the delay of a retry without backoff");
		whitelist.add(Backend.KAFKA, TaskOption.AUTORETRY_FOR,
				"these exceptions (and TaskRetry) retry the task through the delay topics, holding no thread");
		whitelist.add(Backend.KAFKA, TaskOption.RETRY_BACKOFF, "exponential backoff: factor x 2^retries seconds");
		whitelist.add(Backend.KAFKA, TaskOption.RETRY_BACKOFF_MAX, "the longest backoff");
		whitelist.add(Backend.KAFKA, TaskOption.RETRY_JITTER, "a random delay up to the backoff");
		// What the Celery message carries to a Celery worker; kafka-task's own RabbitMQ
		// consumer waits for an eta on the consumer's virtual thread, as Celery's does.
		whitelist.add(Backend.RABBITMQ, TaskOption.COUNTDOWN, "sent as the eta header");
		whitelist.add(Backend.RABBITMQ, TaskOption.ETA, "the eta header; the worker waits for it");
		whitelist.add(Backend.RABBITMQ, TaskOption.PRIORITY, "the AMQP priority (queues need x-max-priority)");
		whitelist.add(Backend.KAFKA, TaskOption.LINK, "dispatched by the worker after the task succeeded, with its result");
		whitelist.add(Backend.KAFKA, TaskOption.LINK_ERROR,
				"dispatched by the worker after the task failed for good, with its id");
		whitelist.add(Backend.KAFKA, TaskOption.CHAIN, "the rest of a chain (TaskDispatcher.dispatch(Canvas)),"
				+ " travelling in the task: no polling");
		whitelist.add(Backend.KAFKA, TaskOption.CHORD, "the callback, fired once by the chord joiner"
				+ " when the last member finished (counted in the __chord topic)");
		whitelist.add(Backend.KAFKA, TaskOption.GROUP, "the group's id");
		whitelist.add(Backend.KAFKA, TaskOption.GROUP_INDEX, "the member's place in its group");
		whitelist.add(Backend.RABBITMQ, TaskOption.LINK, "the message's callbacks: Celery workers and kafka-task's"
				+ " dispatch them after a success");
		whitelist.add(Backend.RABBITMQ, TaskOption.LINK_ERROR, "the message's errbacks: Celery workers and kafka-task's"
				+ " dispatch them after a failure");
		whitelist.add(Backend.RABBITMQ, TaskOption.CHAIN, "the message's chain: Celery workers and kafka-task's"
				+ " dispatch its next task");
		whitelist.add(Backend.RABBITMQ, TaskOption.CHORD, "the chord of the message (Celery workers count it in"
				+ " their result backend; kafka-task workers in Kafka)");
		whitelist.add(Backend.RABBITMQ, TaskOption.GROUP, "the group header");
		whitelist.add(Backend.RABBITMQ, TaskOption.GROUP_INDEX, "the group_index header");
		whitelist.add(Backend.RABBITMQ, TaskOption.IGNORE_RESULT, "the ignore_result header, for Celery workers");
		return whitelist;
	}

	/**
	 * Return a copy in which a backend does not support an option, for tests of what
	 * happens to options that only one backend supports.
	 */
	OptionWhitelist without(Backend backend, TaskOption option) {
		OptionWhitelist copy = new OptionWhitelist();
		this.table.forEach((each, supported) -> copy.table.get(each).putAll(supported));
		copy.table.get(backend).remove(option);
		return copy;
	}

	private void add(Backend backend, TaskOption option, String how) {
		add(backend, option, how, (value) -> true);
	}

	private void add(Backend backend, TaskOption option, String how, Predicate<JsonNode> accepts) {
		this.table.get(backend).put(option, new Support(how, accepts));
	}

	/**
	 * Whether a backend supports an option with the given value.
	 * @param backend the backend
	 * @param option the option
	 * @param value its value
	 * @return whether it is supported
	 */
	public boolean supports(Backend backend, TaskOption option, JsonNode value) {
		Support support = this.table.get(backend).get(option);
		return support != null && support.accepts().test(value);
	}

	/**
	 * Return the options among the given ones that a backend does not support.
	 * @param backend the backend
	 * @param options the options and their values
	 * @return the unsupported options, in declaration order
	 */
	public List<TaskOption> unsupported(Backend backend, Map<TaskOption, JsonNode> options) {
		List<TaskOption> unsupported = new ArrayList<>();
		options.forEach((option, value) -> {
			if (!supports(backend, option, value)) {
				unsupported.add(option);
			}
		});
		unsupported.sort(null);
		return unsupported;
	}

	/**
	 * Return how each backend supports each option: the text of the whitelist table, or
	 * {@code "no"}.
	 * @return by option name, then by backend
	 */
	public Map<String, Map<String, String>> describe() {
		Map<String, Map<String, String>> described = new java.util.LinkedHashMap<>();
		for (TaskOption option : TaskOption.values()) {
			Map<String, String> byBackend = new java.util.LinkedHashMap<>();
			for (Backend backend : Backend.values()) {
				Support support = this.table.get(backend).get(option);
				byBackend.put(backend.id(), (support != null) ? support.how() : "no");
			}
			described.put(option.celeryName(), byBackend);
		}
		return described;
	}

	private record Support(String how, Predicate<JsonNode> accepts) {
	}

}
