package dev.kafkatask.canvas;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.options.TaskOption;

/**
 * A signature as it travels in a task (in its {@code link}, {@code link_error},
 * {@code chain} or {@code chord} option), in Celery's shape, so that Celery workers read it
 * too: {@code {"task": …, "args": […], "kwargs": {…}, "options": {…}, "subtask_type": null,
 * "immutable": false, "chord_size": null}}. What a record brings is checked by
 * {@link #of(JsonNode)}: a signature that is not of this shape, or names an option Celery
 * does not have or gives one a value that does not fit it, is refused.
 *
 * @param task the task name
 * @param args the positional arguments
 * @param kwargs the keyword arguments
 * @param options the options, by option
 * @param immutable whether the task gets only its own arguments
 * @param chordSize for a chord's callback, how many members the chord has; else {@code null}
 * @author kafka-task
 */
public record SignatureMessage(String task, List<JsonNode> args, Map<String, JsonNode> kwargs,
		Map<TaskOption, JsonNode> options, boolean immutable, @Nullable Integer chordSize) {

	/**
	 * Most members a chord may have.
	 */
	public static final int MAX_CHORD_SIZE = 100_000;

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	public SignatureMessage {
		args = List.copyOf(args);
		kwargs = Map.copyOf(kwargs);
		options = Map.copyOf(options);
	}

	/**
	 * Read a signature.
	 * @param json the signature, as Celery writes it
	 * @return the signature
	 * @throws InvalidEnvelopeException if it is not a valid signature
	 */
	public static SignatureMessage of(JsonNode json) {
		if (!json.isObject()) {
			throw new InvalidEnvelopeException("A signature must be a JSON object, not " + json.getNodeType());
		}
		JsonNode task = json.get("task");
		if (task == null || !task.isString() || task.asString().isBlank()) {
			throw new InvalidEnvelopeException("A signature must name its task");
		}
		String name = task.asString();
		JsonNode args = json.get("args");
		if (args != null && !args.isNull() && !args.isArray()) {
			throw new InvalidEnvelopeException("The args of signature '" + name + "' must be an array");
		}
		JsonNode kwargs = json.get("kwargs");
		if (kwargs != null && !kwargs.isNull() && !kwargs.isObject()) {
			throw new InvalidEnvelopeException("The kwargs of signature '" + name + "' must be an object");
		}
		JsonNode options = json.get("options");
		if (options != null && !options.isNull() && !options.isObject()) {
			throw new InvalidEnvelopeException("The options of signature '" + name + "' must be an object");
		}
		JsonNode immutable = json.get("immutable");
		if (immutable != null && !immutable.isNull() && !immutable.isBoolean()) {
			throw new InvalidEnvelopeException("'immutable' of signature '" + name + "' must be a boolean");
		}
		JsonNode chordSize = json.get("chord_size");
		Integer size = null;
		if (chordSize != null && !chordSize.isNull()) {
			if (!chordSize.isIntegralNumber() || !chordSize.canConvertToInt() || chordSize.asInt() < 0
					|| chordSize.asInt() > MAX_CHORD_SIZE) {
				throw new InvalidEnvelopeException("'chord_size' of signature '" + name
						+ "' must be a whole number from 0 to " + MAX_CHORD_SIZE);
			}
			size = chordSize.asInt();
		}
		List<JsonNode> argList = new ArrayList<>();
		if (args != null && args.isArray()) {
			args.forEach(argList::add);
		}
		Map<String, JsonNode> kwargMap = new LinkedHashMap<>();
		if (kwargs != null && kwargs.isObject()) {
			kwargs.properties().forEach((entry) -> kwargMap.put(entry.getKey(), entry.getValue()));
		}
		Map<TaskOption, JsonNode> optionMap = new EnumMap<>(TaskOption.class);
		if (options != null && options.isObject()) {
			for (Map.Entry<String, JsonNode> option : options.properties()) {
				if (option.getValue().isNull()) {
					continue;
				}
				try {
					TaskOption known = TaskOption.of(option.getKey());
					optionMap.put(known, known.validate(option.getValue()));
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidEnvelopeException("Signature '" + name + "': " + ex.getMessage());
				}
			}
		}
		return new SignatureMessage(name, argList, kwargMap, optionMap, immutable != null && immutable.asBoolean(),
				size);
	}

	/**
	 * Read a list of signatures: an array of them, or one.
	 * @param json the signatures, or {@code null}
	 * @return the signatures, none for {@code null}
	 * @throws InvalidEnvelopeException if one is not a valid signature
	 */
	public static List<SignatureMessage> list(@Nullable JsonNode json) {
		if (json == null || json.isNull()) {
			return List.of();
		}
		if (!json.isArray()) {
			return List.of(of(json));
		}
		List<SignatureMessage> list = new ArrayList<>();
		json.forEach((element) -> list.add(of(element)));
		return list;
	}

	/**
	 * Write a signature in Celery's shape.
	 * @param signature the signature
	 * @param options its options, with its task id and whatever the canvas adds
	 * @param chordSize the chord's size, for a chord's callback, or {@code null}
	 * @param mapper writes the arguments
	 * @return the signature as JSON
	 */
	public static ObjectNode json(Signature signature, TaskOptions options, @Nullable Integer chordSize,
			JsonMapper mapper) {
		ObjectNode json = NODES.objectNode();
		json.put("task", signature.task());
		ArrayNode args = json.putArray("args");
		signature.args().forEach((arg) -> args.add(mapper.valueToTree(arg)));
		ObjectNode kwargs = json.putObject("kwargs");
		signature.kwargs().forEach((name, value) -> kwargs.set(name, mapper.valueToTree(value)));
		ObjectNode optionsJson = json.putObject("options");
		options.celeryOptions().forEach((option, value) -> optionsJson.set(option.celeryName(), value));
		json.putNull("subtask_type");
		json.put("immutable", signature.isImmutable());
		if (chordSize != null) {
			json.put("chord_size", chordSize);
		}
		else {
			json.putNull("chord_size");
		}
		return json;
	}

	/**
	 * Return the queue the signature names, or {@code null}.
	 * @return the queue
	 */
	public @Nullable String queue() {
		JsonNode queue = this.options.get(TaskOption.QUEUE);
		return (queue != null && queue.isString()) ? queue.asString() : null;
	}

	/**
	 * Return the task id the signature names, or {@code null}.
	 * @return the task id
	 */
	public @Nullable String taskId() {
		JsonNode id = this.options.get(TaskOption.TASK_ID);
		return (id != null && id.isString()) ? id.asString() : null;
	}

}
