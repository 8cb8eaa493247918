package dev.kafkatask.codec;

import java.time.Instant;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of {@link EnvelopeCodec}: every envelope survives encoding and decoding.
 *
 * @author kafka-task
 */
class EnvelopeCodecPropertyTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@Test
	void envelopeRoundTrips() {
		PropertyCheck.forAll("envelopeRoundTrips", 300, EnvelopeCodecPropertyTests::envelope, (envelope) -> {
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
		});
	}

	private static TaskEnvelope envelope(RandomGenerator random) {
		return new TaskEnvelope(name(random), name(random),
				Generators.list(random, 0, 5, EnvelopeCodecPropertyTests::scalar),
				Generators.map(random, 4, EnvelopeCodecPropertyTests::text, EnvelopeCodecPropertyTests::scalar),
				Generators.map(random, 4, EnvelopeCodecPropertyTests::text, EnvelopeCodecPropertyTests::scalar),
				Generators.map(random, 3, EnvelopeCodecPropertyTests::text, (r) -> Generators.string(r, 0, 10)),
				Instant.ofEpochMilli(Generators.longBetween(random, 0, 4_000_000_000_000L)),
				Generators.intBetween(random, 0, 100));
	}

	private static String text(RandomGenerator random) {
		return Generators.string(random, 1, 20);
	}

	private static String name(RandomGenerator random) {
		return Generators.satisfying(random, EnvelopeCodecPropertyTests::text, (text) -> !text.isBlank());
	}

	private static JsonNode scalar(RandomGenerator random) {
		return Generators.oneOf(random, (r) -> NODES.stringNode(text(r)), (r) -> NODES.numberNode(Generators.anyLong(r)),
				(r) -> NODES.booleanNode(r.nextBoolean()), (r) -> NODES.nullNode(),
				(r) -> NODES.numberNode(Generators.doubleBetween(r, -1e9, 1e9)));
	}

}
