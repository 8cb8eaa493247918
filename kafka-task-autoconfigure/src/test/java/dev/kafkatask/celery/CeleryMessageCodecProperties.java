package dev.kafkatask.celery;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.rabbitmq.client.AMQP;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

import dev.kafkatask.codec.TaskEnvelope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of {@link CeleryMessageCodec}: every envelope survives encoding and decoding,
 * gaining only the protocol's defaults ({@code root_id}, {@code origin},
 * {@code ignore_result}) and losing only a priority of 0, also through the RabbitMQ Java
 * client's wire format.
 *
 * @author kafka-task
 */
class CeleryMessageCodecProperties {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final JsonMapper JSON = new JsonMapper();

	private static final String ORIGIN = "gen42@property-host";

	private static final Set<String> PROTOCOL_HEADERS = Set.of("lang", "task", "id", "shadow", "eta", "expires",
			"group", "group_index", "retries", "timelimit", "root_id", "parent_id", "argsrepr", "kwargsrepr", "origin",
			"ignore_result", "compression");

	private final CeleryMessageCodec codec = new CeleryMessageCodec(ORIGIN,
			Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

	private final DefaultMessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

	@Property(tries = 300)
	void envelopeRoundTrips(@ForAll("envelopes") TaskEnvelope envelope) {
		TaskEnvelope decoded = this.codec.decode(this.codec.encode(envelope));
		assertThat(decoded).isEqualTo(expected(envelope, envelope.created()));
	}

	@Property(tries = 200)
	void envelopeRoundTripsThroughTheAmqpWireFormat(@ForAll("envelopes") TaskEnvelope envelope) throws IOException {
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
				envelope.args().stream().map(CeleryMessageCodecProperties::normalized).toList(), kwargs, options,
				envelope.headers(), created, envelope.retries());
	}

	/**
	 * Return a value as JSON reads it back: JSON does not tell a long 1 from an int 1.
	 */
	private static JsonNode normalized(JsonNode value) {
		return JSON.readTree(JSON.writeValueAsString(value));
	}

	@Provide
	Arbitrary<TaskEnvelope> envelopes() {
		Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(20);
		Arbitrary<String> name = text.filter((s) -> !s.isBlank());
		Arbitrary<JsonNode> scalar = Arbitraries.oneOf(text.map(NODES::stringNode),
				Arbitraries.longs().map(NODES::numberNode), Arbitraries.of(true, false).map(NODES::booleanNode),
				Arbitraries.just(NODES.nullNode()), Arbitraries.doubles().between(-1e9, 1e9).map(NODES::numberNode));
		Arbitrary<JsonNode> value = Arbitraries.oneOf(scalar,
				scalar.list().ofMaxSize(3).map((values) -> NODES.arrayNode().addAll(values)),
				Arbitraries.maps(text, scalar).ofMaxSize(3).map((members) -> NODES.objectNode().setAll(members)));
		Arbitrary<List<JsonNode>> args = value.list().ofMaxSize(5);
		Arbitrary<Map<String, JsonNode>> kwargs = Arbitraries.maps(text, value).ofMaxSize(4);
		Arbitrary<Map<String, String>> headers = Arbitraries
			.maps(name.filter((s) -> !PROTOCOL_HEADERS.contains(s)), Arbitraries.strings().ofMaxLength(2000))
			.ofMaxSize(3);
		Arbitrary<Instant> created = Arbitraries.longs()
			.between(0, 4_000_000_000_000L)
			.map(Instant::ofEpochMilli);
		return Combinators
			.combine(name, name, args, kwargs, options(name, value), headers, created,
					Arbitraries.integers().between(0, 100))
			.as(TaskEnvelope::new);
	}

	private Arbitrary<Map<String, JsonNode>> options(Arbitrary<String> name, Arbitrary<JsonNode> value) {
		// Python datetimes have microseconds.
		Arbitrary<JsonNode> instant = Arbitraries.longs()
			.between(0, 250_000_000_000_000_000L)
			.map((micros) -> NODES.stringNode(Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString()));
		Arbitrary<JsonNode> seconds = Arbitraries.oneOf(
				Arbitraries.integers().between(1, 86_400).map(NODES::numberNode),
				Arbitraries.doubles().between(0.5, 86_400).map(NODES::numberNode));
		Arbitrary<JsonNode> signature = Arbitraries.maps(name, value)
			.ofMaxSize(3)
			.map((members) -> NODES.objectNode().setAll(members).put("task", "py.next"));
		Arbitrary<JsonNode> signatures = signature.list()
			.ofMinSize(1)
			.ofMaxSize(2)
			.map((values) -> NODES.arrayNode().addAll(values));
		Map<String, Arbitrary<JsonNode>> candidates = Map.ofEntries(Map.entry("eta", instant),
				Map.entry("expires", instant), Map.entry("time_limit", seconds), Map.entry("soft_time_limit", seconds),
				Map.entry("shadow", name.map(NODES::stringNode)), Map.entry("root_id", name.map(NODES::stringNode)),
				Map.entry("parent_id", name.map(NODES::stringNode)), Map.entry("group", name.map(NODES::stringNode)),
				Map.entry("group_index", Arbitraries.integers().between(0, 1000).map(NODES::numberNode)),
				Map.entry("origin", name.map(NODES::stringNode)),
				Map.entry("ignore_result", Arbitraries.of(true, false).map(NODES::booleanNode)),
				Map.entry("priority", Arbitraries.integers().between(0, 255).map(NODES::numberNode)),
				Map.entry("reply_to", name.map(NODES::stringNode)), Map.entry("link", signatures),
				Map.entry("link_error", signatures), Map.entry("chain", signatures), Map.entry("chord", signature));
		return Arbitraries.subsetOf(candidates.keySet()).flatMap((chosen) -> {
			Arbitrary<Map<String, JsonNode>> options = Arbitraries.just(Map.of());
			for (String option : chosen) {
				options = options.flatMap((sofar) -> candidates.get(option).map((optionValue) -> {
					Map<String, JsonNode> more = new HashMap<>(sofar);
					more.put(option, optionValue);
					return more;
				}));
			}
			return options;
		});
	}

}
