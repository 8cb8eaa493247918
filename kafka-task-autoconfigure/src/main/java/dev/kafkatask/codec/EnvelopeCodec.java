package dev.kafkatask.codec;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.options.TaskOption;

/**
 * Reads and writes {@link TaskEnvelope task envelopes} as JSON:
 * <pre>{"v":1,"id":"…","task":"…","args":[…],"kwargs":{…},"options":{…},"headers":{…},
 * "created":"2026-01-01T00:00:00Z","retries":0}</pre>
 * The payload is parsed as a JSON tree only: no field names a Java type, so no payload can
 * make this codec create an object of its choosing. Every field is checked, for its type and
 * range, and so is every Celery option in {@code options} ({@link TaskOption#validate}), so
 * that a record that would fail later fails here, as an invalid envelope, before it runs.
 *
 * @author kafka-task
 */
public final class EnvelopeCodec {

	/**
	 * Bytes the output buffer of {@link #encode} starts with: most envelopes fit.
	 */
	private static final int INITIAL_BUFFER = 512;

	/**
	 * Longest task id, task name and {@code created} text an envelope may carry.
	 */
	static final int MAX_NAME_LENGTH = 1024;

	private final JsonMapper mapper;

	public EnvelopeCodec() {
		this.mapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
	}

	/**
	 * Write an envelope as UTF-8 JSON. The envelope is streamed field by field, not built as
	 * a tree first: the bytes are those of the envelope's tree, without the tree.
	 * @param envelope the envelope
	 * @return the JSON bytes
	 */
	public byte[] encode(TaskEnvelope envelope) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_BUFFER);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeNumberProperty("v", TaskEnvelope.VERSION);
			json.writeStringProperty("id", envelope.id());
			json.writeStringProperty("task", envelope.task());
			json.writeName("args");
			json.writeStartArray();
			for (JsonNode arg : envelope.args()) {
				json.writeTree(arg);
			}
			json.writeEndArray();
			writeObject(json, "kwargs", envelope.kwargs());
			writeObject(json, "options", envelope.options());
			json.writeName("headers");
			json.writeStartObject();
			envelope.headers().forEach(json::writeStringProperty);
			json.writeEndObject();
			json.writeStringProperty("created", envelope.created().toString());
			json.writeNumberProperty("retries", envelope.retries());
			json.writeEndObject();
		}
		return out.toByteArray();
	}

	private static void writeObject(JsonGenerator json, String field, Map<String, JsonNode> members) {
		json.writeName(field);
		json.writeStartObject();
		members.forEach((name, value) -> {
			json.writeName(name);
			json.writeTree(value);
		});
		json.writeEndObject();
	}

	/**
	 * Read an envelope from JSON.
	 * @param payload the JSON bytes
	 * @return the envelope
	 * @throws InvalidEnvelopeException if the payload is not a valid envelope, with the reason
	 */
	public TaskEnvelope decode(byte[] payload) {
		JsonNode root;
		try {
			root = this.mapper.readTree(payload);
		}
		catch (JacksonException ex) {
			throw new InvalidEnvelopeException("Payload is not JSON: " + ex.getOriginalMessage(), ex);
		}
		if (root == null || !root.isObject()) {
			throw new InvalidEnvelopeException("Payload is not a JSON object");
		}
		JsonNode version = root.get("v");
		if (version == null || !version.isIntegralNumber()) {
			throw new InvalidEnvelopeException("Envelope has no version field 'v'");
		}
		if (!version.canConvertToInt() || version.asInt() != TaskEnvelope.VERSION) {
			throw new InvalidEnvelopeException("Envelope version " + abbreviate(version.toString())
					+ " is not supported (expected " + TaskEnvelope.VERSION + ")");
		}
		String id = requiredText(root, "id");
		String task = requiredText(root, "task");
		List<JsonNode> args = List.of();
		JsonNode argsNode = root.get("args");
		if (argsNode != null && !argsNode.isNull()) {
			if (!argsNode.isArray()) {
				throw new InvalidEnvelopeException("Envelope field 'args' must be an array");
			}
			args = List.of(argsNode.valueStream().toArray(JsonNode[]::new));
		}
		Map<String, JsonNode> kwargs = object(root, "kwargs");
		Map<String, JsonNode> options = object(root, "options");
		try {
			TaskOption.validateAll(options);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEnvelopeException(ex.getMessage(), ex);
		}
		Map<String, String> headers = new HashMap<>();
		object(root, "headers").forEach((name, value) -> {
			if (!value.isString()) {
				throw new InvalidEnvelopeException("Envelope header '" + name + "' must be a string");
			}
			headers.put(name, value.stringValue());
		});
		Instant created;
		String createdText = requiredText(root, "created");
		try {
			created = IsoInstants.parse(createdText);
		}
		catch (DateTimeParseException ex) {
			throw new InvalidEnvelopeException("Envelope field 'created' is not an ISO-8601 instant", ex);
		}
		if (created.isBefore(TaskOption.MIN_INSTANT) || created.isAfter(TaskOption.MAX_INSTANT)) {
			throw new InvalidEnvelopeException("Envelope field 'created' is out of range: " + abbreviate(createdText));
		}
		JsonNode retries = root.get("retries");
		int retryCount = 0;
		if (retries != null && !retries.isNull()) {
			if (!retries.isIntegralNumber() || !retries.canConvertToInt() || retries.asInt() < 0) {
				throw new InvalidEnvelopeException("Envelope field 'retries' must be a non-negative integer");
			}
			retryCount = retries.asInt();
		}
		return new TaskEnvelope(id, task, args, kwargs, options, headers, created, retryCount);
	}

	private static String requiredText(JsonNode root, String field) {
		JsonNode node = root.get(field);
		if (node == null || !node.isString() || node.stringValue().isBlank()) {
			throw new InvalidEnvelopeException("Envelope field '" + field + "' must be a non-empty string");
		}
		String text = node.stringValue();
		if (text.length() > MAX_NAME_LENGTH) {
			throw new InvalidEnvelopeException(
					"Envelope field '" + field + "' is longer than " + MAX_NAME_LENGTH + " characters");
		}
		return text;
	}

	private static String abbreviate(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "...";
	}

	/**
	 * Return the members of an object field as an immutable map, which the envelope keeps
	 * as it is rather than copying it again.
	 */
	private static Map<String, JsonNode> object(JsonNode root, String field) {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			return Map.of();
		}
		if (!node.isObject()) {
			throw new InvalidEnvelopeException("Envelope field '" + field + "' must be an object");
		}
		if (node.isEmpty()) {
			return Map.of();
		}
		@SuppressWarnings("unchecked")
		Map.Entry<String, JsonNode>[] members = node.properties().toArray(new Map.Entry[0]);
		return Map.ofEntries(members);
	}

}
