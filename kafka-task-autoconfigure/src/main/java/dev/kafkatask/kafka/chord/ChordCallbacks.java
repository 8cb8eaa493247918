package dev.kafkatask.kafka.chord;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.canvas.CanvasContinuation;
import dev.kafkatask.canvas.CanvasHeaders;
import dev.kafkatask.canvas.SignatureMessage;
import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.execution.ForbiddenDestinationException;
import dev.kafkatask.kafka.DelayRoutes;
import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.options.TaskOption;

/**
 * Writes the task records a chord ends with: its callback, with the members' results, or
 * its callback's error links. They go to the topic of the task's queue, in the chord
 * joiner's transaction: a chord's callback is always enqueued on Kafka, whatever the routing
 * rules say of its task. When its queue is routed to another Kafka cluster than the
 * joiner's, the record goes (in the same transaction) to the joiner's cluster's first delay
 * tier, due at once, and that cluster's delay forwarder moves it to where its queue is routed
 * ({@link #setRoutes}).
 *
 * @author kafka-task
 */
public class ChordCallbacks {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final TaskTopics topics;

	private final EnvelopeCodec codec;

	private final Function<String, String> queueOfTask;

	private final Predicate<String> knownQueue;

	private final Clock clock;

	private @Nullable DelayRoutes routes;

	private @Nullable DelayTiers tiers;

	/**
	 * Create the callbacks' writer.
	 * @param topics the topics of queues
	 * @param codec writes the tasks
	 * @param queueOfTask the queue of a task whose signature names none
	 * @param knownQueue whether a queue a signature names is one this application writes to
	 * @param clock the clock of creation times
	 */
	public ChordCallbacks(TaskTopics topics, EnvelopeCodec codec, Function<String, String> queueOfTask,
			Predicate<String> knownQueue, Clock clock) {
		this.topics = topics;
		this.codec = codec;
		this.queueOfTask = queueOfTask;
		this.knownQueue = knownQueue;
		this.clock = clock;
	}

	/**
	 * Set where the records of a queue routed to another Kafka cluster go: through the delay
	 * tiers of the joiner's cluster, whose forwarder follows the same routes.
	 * @param routes the routes, whose own cluster is the joiner's
	 * @param tiers the delay tiers of the joiner's cluster
	 */
	public void setRoutes(DelayRoutes routes, DelayTiers tiers) {
		this.routes = routes;
		this.tiers = tiers;
	}

	/**
	 * Return the id of a chord's callback: the one its signature gives, else one derived from
	 * the group id.
	 * @param callback the callback
	 * @param groupId the chord's group id
	 * @return the id
	 */
	public static String callbackId(SignatureMessage callback, String groupId) {
		String id = callback.taskId();
		return (id != null) ? id : CanvasContinuation.derivedId(groupId, "chord", 0);
	}

	/**
	 * Return the record of a chord's callback.
	 * @param callback the callback
	 * @param id its task id
	 * @param results the members' results, in the group's order
	 * @return the record
	 * @throws ForbiddenDestinationException if the callback names a queue this application
	 * does not know
	 */
	public ProducerRecord<String, byte[]> callback(SignatureMessage callback, String id, List<JsonNode> results) {
		List<JsonNode> args = new ArrayList<>();
		if (!callback.immutable()) {
			var list = NODES.arrayNode();
			results.forEach(list::add);
			args.add(list);
		}
		args.addAll(callback.args());
		return record(callback, id, args, Map.of());
	}

	/**
	 * Return the records of the error links of a chord's callback, for a chord that failed.
	 * @param callback the callback
	 * @param id its task id, the first argument of each error link
	 * @param failedTask the id of the member that failed (or of the callback, if it could not
	 * be written)
	 * @param error what went wrong
	 * @return the records, one for each error link
	 */
	public List<ProducerRecord<String, byte[]>> errorLinks(SignatureMessage callback, String id, String failedTask,
			String error) {
		List<SignatureMessage> errorLinks = SignatureMessage.list(callback.options().get(TaskOption.LINK_ERROR));
		Map<String, String> headers = Map.of(CanvasHeaders.ERROR, error, CanvasHeaders.FAILED_TASK, failedTask);
		List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
		for (int i = 0; i < errorLinks.size(); i++) {
			SignatureMessage errorLink = errorLinks.get(i);
			List<JsonNode> args = new ArrayList<>();
			if (!errorLink.immutable()) {
				args.add(NODES.stringNode(id));
			}
			args.addAll(errorLink.args());
			String linkId = (errorLink.taskId() != null) ? errorLink.taskId()
					: CanvasContinuation.derivedId(id, "link_error", i);
			records.add(record(errorLink, linkId, args, headers));
		}
		return records;
	}

	/**
	 * Return the queue a signature's task goes to.
	 * @param signature the signature
	 * @return the queue
	 */
	public String queue(SignatureMessage signature) {
		String queue = signature.queue();
		return (queue != null) ? queue : this.queueOfTask.apply(signature.task());
	}

	/**
	 * Return the task of a record written here.
	 * @param record the record
	 * @return its task name
	 */
	public String task(ProducerRecord<String, byte[]> record) {
		var header = record.headers().lastHeader(TaskHeaders.TASK_NAME);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "unknown";
	}

	/**
	 * Return the queue of a record written here.
	 * @param record the record
	 * @return its queue
	 */
	public String queue(ProducerRecord<String, byte[]> record) {
		var target = record.headers().lastHeader(DelayedTaskPublisher.TARGET);
		String topic = (target != null) ? new String(target.value(), StandardCharsets.UTF_8) : record.topic();
		String queue = this.topics.queue(topic);
		if (queue != null) {
			return queue;
		}
		queue = this.topics.queue(record.topic());
		return (queue != null) ? queue : record.topic();
	}

	private ProducerRecord<String, byte[]> record(SignatureMessage signature, String id, List<JsonNode> args,
			Map<String, String> moreHeaders) {
		String queue = queue(signature);
		if (signature.queue() != null && !this.knownQueue.test(queue)) {
			throw new ForbiddenDestinationException(
					"Task '" + signature.task() + "' names queue '" + queue + "', which is not a queue of this application");
		}
		Instant created = this.clock.instant();
		Map<String, JsonNode> options = new LinkedHashMap<>();
		Map<String, String> headers = new LinkedHashMap<>();
		signature.options().forEach((option, value) -> {
			switch (option) {
				case TASK_ID -> {
				}
				case HEADERS -> value.properties()
					.forEach((header) -> headers.put(header.getKey(),
							header.getValue().isString() ? header.getValue().asString() : header.getValue().toString()));
				case COUNTDOWN -> {
					if (!signature.options().containsKey(TaskOption.ETA)) {
						options.put(TaskOption.ETA.celeryName(), NODES
							.stringNode(created.plusMillis(Math.round(value.asDouble() * 1000)).toString()));
					}
				}
				default -> options.put(option.celeryName(), value);
			}
		});
		headers.putAll(moreHeaders);
		headers.put(FinishedTasks.HEADER, "true");
		options.put(TaskOption.QUEUE.celeryName(), NODES.stringNode(queue));
		TaskEnvelope envelope = new TaskEnvelope(id, signature.task(), args, signature.kwargs(), options, headers,
				created, 0);
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.topics.topic(queue), null, null,
				this.codec.encode(envelope));
		record.headers().add(TaskHeaders.TASK_ID, id.getBytes(StandardCharsets.UTF_8));
		record.headers().add(TaskHeaders.TASK_NAME, signature.task().getBytes(StandardCharsets.UTF_8));
		DelayRoutes routes = this.routes;
		DelayTiers tiers = this.tiers;
		return (routes != null && tiers != null) ? routes.routed(record, signature.task(), id, queue, tiers, created) : record;
	}

}
