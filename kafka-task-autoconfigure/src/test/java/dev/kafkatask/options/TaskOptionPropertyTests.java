package dev.kafkatask.options;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of task options: whatever options a dispatch sets survive the envelope's
 * encoding, and an option written as text reads back to the same value.
 *
 * @author kafka-task
 */
class TaskOptionPropertyTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final List<TaskOption> TEXTUAL = List.of(TaskOption.MAX_RETRIES, TaskOption.COUNTDOWN,
			TaskOption.ACKS_LATE, TaskOption.SHADOW, TaskOption.AUTORETRY_FOR, TaskOption.RATE_LIMIT,
			TaskOption.TIME_LIMIT);

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@Test
	void optionsRoundTripThroughTheEnvelope() {
		PropertyCheck.forAll("optionsRoundTripThroughTheEnvelope", 300, TaskOptionPropertyTests::options, (options) -> {
			Map<String, JsonNode> byName = new LinkedHashMap<>();
			options.forEach((option, value) -> byName.put(option.celeryName(), option.validate(value)));
			TaskEnvelope envelope = new TaskEnvelope("id", "t", List.of(), Map.of(), byName, Map.of(), Instant.EPOCH,
					0);
			TaskEnvelope decoded = this.codec.decode(this.codec.encode(envelope));
			// Compared as JSON text: a long 0 written is an int 0 read, the same JSON.
			Map<TaskOption, String> read = new EnumMap<>(TaskOption.class);
			decoded.options().forEach((name, value) -> read.put(TaskOption.of(name), value.toString()));
			Map<TaskOption, String> written = new EnumMap<>(TaskOption.class);
			options.forEach((option, value) -> written.put(option, value.toString()));
			assertThat(read).isEqualTo(written);
		});
	}

	@Test
	void optionsWrittenAsTextReadBack() {
		PropertyCheck.forAll("optionsWrittenAsTextReadBack", 300, TaskOptionPropertyTests::textual, (entry) -> {
			TaskOption option = entry.getKey();
			JsonNode value = entry.getValue();
			String text = value.isArray() ? String.join(",", value.valueStream().map(JsonNode::asString).toList())
					: value.isString() ? value.asString() : value.toString();
			assertThat(option.parse(text).toString()).isEqualTo(value.toString());
		});
	}

	/**
	 * Return up to 8 different options, each with a value of its kind.
	 */
	private static Map<TaskOption, JsonNode> options(RandomGenerator random) {
		Map<TaskOption, JsonNode> options = new EnumMap<>(TaskOption.class);
		for (TaskOption option : Generators.subset(random, List.of(TaskOption.values()), 8)) {
			options.put(option, value(random, option));
		}
		return options;
	}

	private static Map.Entry<TaskOption, JsonNode> textual(RandomGenerator random) {
		TaskOption option = Generators.pick(random, TEXTUAL);
		return Map.entry(option, value(random, option));
	}

	private static JsonNode value(RandomGenerator random, TaskOption option) {
		return switch (option) {
			case COUNTDOWN, TIME_LIMIT, SOFT_TIME_LIMIT, DEFAULT_RETRY_DELAY, RETRY_BACKOFF_MAX ->
				NODES.numberNode(Generators.longBetween(random, 0, 100_000));
			case MAX_RETRIES, PRIORITY, GROUP_INDEX -> NODES.numberNode(Generators.longBetween(random, 0, 255));
			case ACKS_LATE, REJECT_ON_WORKER_LOST, TRACK_STARTED, IGNORE_RESULT, RETRY, RETRY_JITTER ->
				NODES.booleanNode(random.nextBoolean());
			case ETA, EXPIRES ->
				NODES.stringNode(Instant.ofEpochSecond(Generators.longBetween(random, 0, 4_000_000_000L)).toString());
			case AUTORETRY_FOR, THROWS -> {
				ArrayNode array = NODES.arrayNode();
				Generators.list(random, 1, 3, (r) -> "java.lang." + name(r)).forEach(array::add);
				yield array;
			}
			case HEADERS, RETRY_POLICY, CHORD -> {
				String name = name(random);
				yield NODES.objectNode().put(name, name);
			}
			case RETRY_BACKOFF -> random.nextBoolean() ? NODES.booleanNode(random.nextBoolean())
					: NODES.numberNode(Generators.longBetween(random, 0, 3_600));
			case RATE_LIMIT -> NODES.stringNode(Generators.intBetween(random, 1, 1000) + "/"
					+ Generators.pick(random, "s", "m", "h"));
			default -> NODES.stringNode(name(random));
		};
	}

	private static String name(RandomGenerator random) {
		return Generators.string(random, 1, 12, 'a', 'z');
	}

}
