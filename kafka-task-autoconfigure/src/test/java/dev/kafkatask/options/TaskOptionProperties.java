package dev.kafkatask.options;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of task options: whatever options a dispatch sets survive the envelope's
 * encoding, and an option written as text reads back to the same value.
 *
 * @author kafka-task
 */
class TaskOptionProperties {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@Property(tries = 300)
	void optionsRoundTripThroughTheEnvelope(@ForAll("options") Map<TaskOption, JsonNode> options) {
		Map<String, JsonNode> byName = new java.util.LinkedHashMap<>();
		options.forEach((option, value) -> byName.put(option.celeryName(), option.validate(value)));
		TaskEnvelope envelope = new TaskEnvelope("id", "t", List.of(), Map.of(), byName, Map.of(), Instant.EPOCH, 0);
		TaskEnvelope decoded = this.codec.decode(this.codec.encode(envelope));
		// Compared as JSON text: a long 0 written is an int 0 read, the same JSON.
		Map<TaskOption, String> read = new EnumMap<>(TaskOption.class);
		decoded.options().forEach((name, value) -> read.put(TaskOption.of(name), value.toString()));
		Map<TaskOption, String> written = new EnumMap<>(TaskOption.class);
		options.forEach((option, value) -> written.put(option, value.toString()));
		assertThat(read).isEqualTo(written);
	}

	@Property(tries = 300)
	void optionsWrittenAsTextReadBack(@ForAll("textual") Map.Entry<TaskOption, JsonNode> entry) {
		TaskOption option = entry.getKey();
		JsonNode value = entry.getValue();
		String text = value.isArray() ? String.join(",", value.valueStream().map(JsonNode::asString).toList())
				: value.isString() ? value.asString() : value.toString();
		assertThat(option.parse(text).toString()).isEqualTo(value.toString());
	}

	@Provide
	Arbitrary<Map<TaskOption, JsonNode>> options() {
		return Arbitraries.maps(Arbitraries.of(TaskOption.class), Arbitraries.just(0)).ofMaxSize(8).flatMap((keys) -> {
			List<TaskOption> chosen = List.copyOf(keys.keySet());
			return Arbitraries.just(chosen).flatMap((list) -> valuesFor(list));
		});
	}

	@Provide
	Arbitrary<Map.Entry<TaskOption, JsonNode>> textual() {
		return Arbitraries.of(TaskOption.MAX_RETRIES, TaskOption.COUNTDOWN, TaskOption.ACKS_LATE, TaskOption.SHADOW,
				TaskOption.AUTORETRY_FOR, TaskOption.RATE_LIMIT, TaskOption.TIME_LIMIT)
			.flatMap((option) -> value(option).map((value) -> Map.entry(option, value)));
	}

	private Arbitrary<Map<TaskOption, JsonNode>> valuesFor(List<TaskOption> options) {
		Arbitrary<Map<TaskOption, JsonNode>> result = Arbitraries.just(new EnumMap<>(TaskOption.class));
		for (TaskOption option : options) {
			result = result.flatMap((map) -> value(option).map((value) -> {
				Map<TaskOption, JsonNode> copy = new EnumMap<>(TaskOption.class);
				copy.putAll(map);
				copy.put(option, value);
				return copy;
			}));
		}
		return result;
	}

	private static Arbitrary<JsonNode> value(TaskOption option) {
		Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
		return switch (option) {
			case COUNTDOWN, TIME_LIMIT, SOFT_TIME_LIMIT, DEFAULT_RETRY_DELAY, RETRY_BACKOFF_MAX -> Arbitraries
				.longs().between(0, 100_000).map(NODES::numberNode);
			case MAX_RETRIES, PRIORITY -> Arbitraries.longs().between(0, 255).map(NODES::numberNode);
			case ACKS_LATE, REJECT_ON_WORKER_LOST, TRACK_STARTED, IGNORE_RESULT, RETRY, RETRY_JITTER -> Arbitraries
				.of(true, false).map(NODES::booleanNode);
			case ETA, EXPIRES -> Arbitraries.longs().between(0, 4_000_000_000L)
				.map((seconds) -> NODES.stringNode(Instant.ofEpochSecond(seconds).toString()));
			case AUTORETRY_FOR, THROWS -> names.map((name) -> "java.lang." + name)
				.list()
				.ofMinSize(1)
				.ofMaxSize(3)
				.map((list) -> {
					var array = NODES.arrayNode();
					list.forEach(array::add);
					return (JsonNode) array;
				});
			case HEADERS, RETRY_POLICY -> names.map((name) -> (JsonNode) NODES.objectNode().put(name, name));
			case RATE_LIMIT -> Arbitraries.integers().between(1, 1000)
				.flatMap((count) -> Arbitraries.of("s", "m", "h").map((unit) -> NODES.stringNode(count + "/" + unit)));
			default -> names.map(NODES::stringNode);
		};
	}

}
