package dev.kafkatask.celery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.LongString;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts AMQP header values (field table values) to JSON and back.
 * <p>
 * Read: the values the RabbitMQ Java client and Spring AMQP hand over, which is what
 * py-amqp's strings, ints, floats, booleans, lists, dicts and {@code None} arrive as:
 * {@link String} or {@link LongString} (Spring AMQP turns long strings over 1024 bytes into
 * a {@link java.io.DataInputStream}), {@link Integer}, {@link Long}, {@link Double},
 * {@link Boolean}, {@link List}, {@link Map} and {@code null} (AMQP void). Byte arrays are read
 * as UTF-8 and timestamps as ISO-8601 instants.
 * <p>
 * Write: JSON strings, integers, floats, booleans, arrays, objects and {@code null} as the
 * Java values the RabbitMQ Java client writes as AMQP long strings, 32 or 64-bit integers,
 * doubles, booleans, arrays, tables and void, which py-amqp reads as {@code str},
 * {@code int}, {@code float}, {@code bool}, {@code list}, {@code dict} and {@code None}.
 *
 * @author kafka-task
 */
final class AmqpHeaderValues {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private AmqpHeaderValues() {
	}

	/**
	 * Return an AMQP header value as JSON.
	 * @param value the value as the AMQP client delivered it
	 * @return the JSON value
	 */
	static JsonNode toJson(@Nullable Object value) {
		return switch (value) {
			case null -> NODES.nullNode();
			case String text -> NODES.stringNode(text);
			case LongString text -> NODES.stringNode(new String(text.getBytes(), StandardCharsets.UTF_8));
			case InputStream stream -> NODES.stringNode(readUtf8(stream));
			case byte[] bytes -> NODES.stringNode(new String(bytes, StandardCharsets.UTF_8));
			case Boolean bool -> NODES.booleanNode(bool);
			case Integer number -> NODES.numberNode(number);
			case Long number -> NODES.numberNode(number);
			case Short number -> NODES.numberNode(number.intValue());
			case Byte number -> NODES.numberNode(number.intValue());
			case Double number -> NODES.numberNode(number);
			case Float number -> NODES.numberNode(number.doubleValue());
			case BigDecimal number -> NODES.numberNode(number);
			case BigInteger number -> NODES.numberNode(number);
			case Date date -> NODES.stringNode(date.toInstant().toString());
			case List<?> list -> {
				ArrayNode array = NODES.arrayNode(list.size());
				list.forEach((element) -> array.add(toJson(element)));
				yield array;
			}
			case Map<?, ?> map -> {
				ObjectNode object = NODES.objectNode();
				map.forEach((name, element) -> object.set(String.valueOf(name), toJson(element)));
				yield object;
			}
			case Object[] array -> toJson(Arrays.asList(array));
			default -> NODES.stringNode(value.toString());
		};
	}

	/**
	 * Return JSON as an AMQP header value.
	 * @param node the JSON value
	 * @return the value for the AMQP client, {@code null} for JSON null (AMQP void)
	 */
	static @Nullable Object fromJson(JsonNode node) {
		if (node.isString()) {
			return node.stringValue();
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isIntegralNumber()) {
			if (node.canConvertToInt()) {
				return node.intValue();
			}
			// AMQP has no integer wider than 64 bits: keep the digits as text.
			return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue().toString();
		}
		if (node.isNumber()) {
			return node.doubleValue();
		}
		if (node.isArray()) {
			// An ArrayList: JSON nulls become null elements (AMQP void), which List.of rejects.
			List<@Nullable Object> list = new ArrayList<>(node.size());
			node.values().forEach((element) -> list.add(fromJson(element)));
			return list;
		}
		if (node.isObject()) {
			Map<String, @Nullable Object> table = new LinkedHashMap<>();
			node.forEachEntry((name, element) -> table.put(name, fromJson(element)));
			return table;
		}
		return null;
	}

	private static String readUtf8(InputStream stream) {
		try {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read a long AMQP header value", ex);
		}
	}

}
