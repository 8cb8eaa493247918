package dev.kafkatask.celery;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of {@link CeleryMessageCodec}: every envelope survives encoding and decoding,
 * gaining only the protocol's defaults ({@code root_id}, {@code origin},
 * {@code ignore_result}) and losing only a priority of 0, also through the RabbitMQ Java
 * client's wire format.
 *
 * @author kafka-task
 */
class CeleryMessageCodecPropertyTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final JsonMapper JSON = new JsonMapper();

	private static final String ORIGIN = "gen42@property-host";

	private static final Set<String> PROTOCOL_HEADERS = Set.of("lang", "task", "id", "shadow", "eta", "expires",
			"group", "group_index", "retries", "timelimit", "root_id", "parent_id", "argsrepr", "kwargsrepr", "origin",
			"ignore_result", "compression");

	private final CeleryMessageCodec codec = new CeleryMessageCodec(ORIGIN,
			Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

	private final DefaultMessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

	@Test
	void envelopeRoundTrips() {
		PropertyCheck.forAll("envelopeRoundTrips", 300, CeleryMessageCodecPropertyTests::envelope, (envelope) -> {
			TaskEnvelope decoded = this.codec.decode(this.codec.encode(envelope));
			assertThat(decoded).isEqualTo(expected(envelope, envelope.created()));
		});
	}

	@Test
	void envelopeRoundTripsThroughTheAmqpWireFormat() {
		PropertyCheck.forAll("envelopeRoundTripsThroughTheAmqpWireFormat", 200,
				CeleryMessageCodecPropertyTests::envelope, this::envelopeRoundTripsThroughTheAmqpWireFormat);
	}

	private void envelopeRoundTripsThroughTheAmqpWireFormat(TaskEnvelope envelope) throws IOException {
		Message encoded = this.codec.encode(envelope);
		AMQP.BasicProperties written = this.converter.fromMessageProperties(encoded.getMessageProperties(), "UTF-8");
		byte[] frame = written.toFrame(1, encoded.getBody().length).getPayload();
		AMQP.BasicProperties read = new AMQP.BasicProperties(
				new DataInputStream(new ByteArrayInputStream(frame, 2, frame.length - 2)));
		MessageProperties received = this.converter.toMessageProperties(read, null, "UTF-8");
		TaskEnvelope decoded = this.codec.decode(new Message(encoded.getBody(), received));
		// The AMQP timestamp has whole seconds.
		assertThat(decoded).isEqualTo(expected(envelope, envelope.created().truncatedTo(ChronoUnit.SECONDS)));
	}

	private static TaskEnvelope expected(TaskEnvelope envelope, Instant created) {
		Map<String, JsonNode> options = new HashMap<>();
		envelope.options().forEach((name, value) -> options.put(name, normalized(value)));
		options.putIfAbsent("root_id", NODES.stringNode(envelope.id()));
		options.putIfAbsent("origin", NODES.stringNode(ORIGIN));
		options.putIfAbsent("ignore_result", NODES.booleanNode(false));
		// Priority 0 reads as none (Spring AMQP reports 0 for a message without a priority).
		options.remove("priority", NODES.numberNode(0));
		Map<String, JsonNode> kwargs = new HashMap<>();
		envelope.kwargs().forEach((name, value) -> kwargs.put(name, normalized(value)));
		return new TaskEnvelope(envelope.id(), envelope.task(),
				envelope.args().stream().map(CeleryMessageCodecPropertyTests::normalized).toList(), kwargs, options,
				envelope.headers(), created, envelope.retries());
	}

	/**
	 * Return a value as JSON reads it back: JSON does not tell a long 1 from an int 1.
	 */
	private static JsonNode normalized(JsonNode value) {
		return JSON.readTree(JSON.writeValueAsString(value));
	}

	private static TaskEnvelope envelope(RandomGenerator random) {
		return new TaskEnvelope(name(random), name(random),
				Generators.list(random, 0, 5, CeleryMessageCodecPropertyTests::value),
				Generators.map(random, 4, CeleryMessageCodecPropertyTests::text, CeleryMessageCodecPropertyTests::value),
				options(random),
				Generators.map(random, 3,
						(r) -> Generators.satisfying(r, CeleryMessageCodecPropertyTests::name,
								(name) -> !PROTOCOL_HEADERS.contains(name)),
						(r) -> Generators.string(r, 0, 2000)),
				Instant.ofEpochMilli(Generators.longBetween(random, 0, 4_000_000_000_000L)),
				Generators.intBetween(random, 0, 100));
	}

	private static String text(RandomGenerator random) {
		return Generators.string(random, 1, 20);
	}

	private static String name(RandomGenerator random) {
		return Generators.satisfying(random, CeleryMessageCodecPropertyTests::text, (text) -> !text.isBlank());
	}

	private static JsonNode scalar(RandomGenerator random) {
		return Generators.oneOf(random, (r) -> NODES.stringNode(text(r)), (r) -> NODES.numberNode(Generators.anyLong(r)),
				(r) -> NODES.booleanNode(r.nextBoolean()), (r) -> NODES.nullNode(),
				(r) -> NODES.numberNode(Generators.doubleBetween(r, -1e9, 1e9)));
	}

	private static JsonNode value(RandomGenerator random) {
		return Generators.oneOf(random, CeleryMessageCodecPropertyTests::scalar,
				(r) -> NODES.arrayNode().addAll(Generators.list(r, 0, 3, CeleryMessageCodecPropertyTests::scalar)),
				(r) -> NODES.objectNode()
					.setAll(Generators.map(r, 3, CeleryMessageCodecPropertyTests::text,
							CeleryMessageCodecPropertyTests::scalar)));
	}

	/**
	 * Return some of the options Celery knows, each with a value of its kind.
	 */
	private static Map<String, JsonNode> options(RandomGenerator random) {
		// Python datetimes have microseconds.
		Function<RandomGenerator, JsonNode> instant = (r) -> NODES.stringNode(
				Instant.EPOCH.plus(Generators.longBetween(r, 0, 250_000_000_000_000_000L), ChronoUnit.MICROS)
					.toString());
		Function<RandomGenerator, JsonNode> seconds = (r) -> Generators.oneOf(r,
				(s) -> NODES.numberNode(Generators.intBetween(s, 1, 86_400)),
				(s) -> NODES.numberNode(Generators.doubleBetween(s, 0.5, 86_400)));
		Function<RandomGenerator, JsonNode> signature = (r) -> NODES.objectNode()
			.setAll(Generators.map(r, 3, CeleryMessageCodecPropertyTests::name, CeleryMessageCodecPropertyTests::value))
			.put("task", "py.next");
		Function<RandomGenerator, JsonNode> signatures = (r) -> NODES.arrayNode()
			.addAll(Generators.list(r, 1, 2, signature));
		Function<RandomGenerator, JsonNode> text = (r) -> NODES.stringNode(name(r));
		// In a fixed order: a seed must choose the same options on every run.
		Map<String, Function<RandomGenerator, JsonNode>> candidates = new LinkedHashMap<>();
		candidates.put("eta", instant);
		candidates.put("expires", instant);
		candidates.put("time_limit", seconds);
		candidates.put("soft_time_limit", seconds);
		candidates.put("shadow", text);
		candidates.put("root_id", text);
		candidates.put("parent_id", text);
		candidates.put("group", text);
		candidates.put("group_index", (r) -> NODES.numberNode(Generators.intBetween(r, 0, 1000)));
		candidates.put("origin", text);
		candidates.put("ignore_result", (r) -> NODES.booleanNode(r.nextBoolean()));
		candidates.put("priority", (r) -> NODES.numberNode(Generators.intBetween(r, 0, 255)));
		candidates.put("reply_to", text);
		candidates.put("link", signatures);
		candidates.put("link_error", signatures);
		candidates.put("chain", signatures);
		candidates.put("chord", signature);
		Map<String, JsonNode> options = new LinkedHashMap<>();
		for (String option : Generators.subset(random, List.copyOf(candidates.keySet()), candidates.size())) {
			options.put(option, candidates.get(option).apply(random));
		}
		return options;
	}

}
