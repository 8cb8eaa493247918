package dev.kafkatask.codec;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of {@link EnvelopeCodec}: every envelope survives encoding and decoding.
 *
 * @author kafka-task
 */
class EnvelopeCodecProperties {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@Property(tries = 300)
	void envelopeRoundTrips(@ForAll("envelopes") TaskEnvelope envelope) {
		byte[] encoded = this.codec.encode(envelope);
		TaskEnvelope decoded = this.codec.decode(encoded);
		assertThat(decoded.id()).isEqualTo(envelope.id());
		assertThat(decoded.task()).isEqualTo(envelope.task());
		assertThat(decoded.headers()).isEqualTo(envelope.headers());
		assertThat(decoded.created()).isEqualTo(envelope.created());
		assertThat(decoded.retries()).isEqualTo(envelope.retries());
		// JSON does not tell an int 0 from a long 0: compare values as JSON text.
		JsonMapper json = new JsonMapper();
		assertThat(json.readTree(this.codec.encode(decoded))).isEqualTo(json.readTree(encoded));
	}

	@Provide
	Arbitrary<TaskEnvelope> envelopes() {
		Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(20);
		Arbitrary<JsonNode> scalar = Arbitraries.oneOf(text.map(NODES::stringNode),
				Arbitraries.longs().map(NODES::numberNode), Arbitraries.of(true, false).map(NODES::booleanNode),
				Arbitraries.just(NODES.nullNode()),
				Arbitraries.doubles().between(-1e9, 1e9).map(NODES::numberNode));
		Arbitrary<List<JsonNode>> args = scalar.list().ofMaxSize(5);
		Arbitrary<Map<String, JsonNode>> kwargs = Arbitraries.maps(text, scalar).ofMaxSize(4);
		Arbitrary<Map<String, String>> headers = Arbitraries.maps(text, Arbitraries.strings().ofMaxLength(10))
			.ofMaxSize(3);
		Arbitrary<Instant> created = Arbitraries.longs()
			.between(0, 4_000_000_000_000L)
			.map(Instant::ofEpochMilli);
		return Combinators
			.combine(text.filter((s) -> !s.isBlank()), text.filter((s) -> !s.isBlank()), args, kwargs, kwargs,
					headers, created, Arbitraries.integers().between(0, 100))
			.as(TaskEnvelope::new);
	}

}
