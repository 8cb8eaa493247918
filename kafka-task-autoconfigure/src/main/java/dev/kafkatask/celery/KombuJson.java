package dev.kafkatask.celery;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the values kombu's JSON serializer writes for Python types that JSON lacks, in
 * both of its encodings, as the strings kombu 5.2 and earlier write:
 * <ul>
 * <li>kombu 5.2 writes {@code datetime}, {@code date}, {@code time}, {@code Decimal} and
 * {@code UUID} as plain strings, which are kept as they are;</li>
 * <li>kombu 5.3 and later write them as {@code {"__type__": "datetime", "__value__":
 * "2026-01-01T00:00:00+00:00"}} (also {@code date}, {@code time}, {@code decimal},
 * {@code uuid}, {@code bytes} and {@code base64}), which become their {@code __value__}
 * string; a {@code uuid}'s {@code {"hex": …, "version": …}} value becomes the UUID's
 * usual text.</li>
 * </ul>
 * Like kombu, an object is such a value only when {@code __type__} and {@code __value__}
 * are its only members; an unknown {@code __type__} is an error, as it is in kombu.
 *
 * @author kafka-task
 */
final class KombuJson {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final String TYPE = "__type__";

	private static final String VALUE = "__value__";

	private static final Set<String> TEXTUAL_TYPES = Set.of("datetime", "date", "time", "decimal", "bytes",
			"base64");

	private static final Pattern UUID_HEX = Pattern.compile("[0-9a-fA-F]{32}");

	private KombuJson() {
	}

	/**
	 * Replace kombu 5.3+ typed values, at any depth, with their text.
	 * @param node the JSON as kombu wrote it
	 * @return the same JSON with typed values replaced; {@code node} itself when it holds
	 * none
	 * @throws InvalidCeleryMessageException if a typed value has an unknown type or a
	 * malformed value
	 */
	static JsonNode unwrap(JsonNode node) {
		if (node.isArray()) {
			ArrayNode copy = null;
			for (int i = 0; i < node.size(); i++) {
				JsonNode element = node.get(i);
				JsonNode unwrapped = unwrap(element);
				if (unwrapped != element && copy == null) {
					copy = NODES.arrayNode(node.size());
					for (int j = 0; j < i; j++) {
						copy.add(node.get(j));
					}
				}
				if (copy != null) {
					copy.add(unwrapped);
				}
			}
			return (copy != null) ? copy : node;
		}
		if (node.isObject()) {
			if (node.size() == 2 && node.has(TYPE) && node.has(VALUE)) {
				return typed(node.get(TYPE), node.get(VALUE));
			}
			ObjectNode copy = null;
			for (Map.Entry<String, JsonNode> member : node.properties()) {
				JsonNode unwrapped = unwrap(member.getValue());
				if (unwrapped != member.getValue()) {
					if (copy == null) {
						copy = ((ObjectNode) node).deepCopy();
					}
					copy.set(member.getKey(), unwrapped);
				}
			}
			return (copy != null) ? copy : node;
		}
		return node;
	}

	private static JsonNode typed(JsonNode type, JsonNode value) {
		String name = type.isString() ? type.stringValue() : type.toString();
		if (TEXTUAL_TYPES.contains(name)) {
			if (!value.isString()) {
				throw new InvalidCeleryMessageException(
						"kombu JSON value of type '" + name + "' must have a string __value__, not " + value);
			}
			return value;
		}
		if ("uuid".equals(name)) {
			JsonNode hex = value.get("hex");
			if (hex == null || !hex.isString() || !UUID_HEX.matcher(hex.stringValue()).matches()) {
				throw new InvalidCeleryMessageException(
						"kombu JSON value of type 'uuid' must have a __value__ with 32 hex digits in 'hex', not "
								+ value);
			}
			String digits = hex.stringValue().toLowerCase(Locale.ROOT);
			return NODES.stringNode(digits.substring(0, 8) + "-" + digits.substring(8, 12) + "-"
					+ digits.substring(12, 16) + "-" + digits.substring(16, 20) + "-" + digits.substring(20));
		}
		throw new InvalidCeleryMessageException("kombu JSON type '" + name
				+ "' is not supported (known: datetime, date, time, decimal, uuid, bytes, base64)");
	}

}
