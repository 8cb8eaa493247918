package dev.kafkatask.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of {@link EnvelopeCodec}: every envelope survives encoding and decoding, and
 * is written as the bytes of its JSON tree.
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

	@Test
	void encodingIsTheBytesOfTheEnvelopesTree() {
		PropertyCheck.forAll("encodingIsTheBytesOfTheEnvelopesTree", 500, EnvelopeCodecPropertyTests::deepEnvelope,
				(envelope) -> assertThat(this.codec.encode(envelope)).isEqualTo(treeEncoding(envelope)));
	}

	@Test
	void encodingOfUnusualValuesIsTheBytesOfTheEnvelopesTree() {
		List<JsonNode> values = List.of(NODES.numberNode(Double.NaN), NODES.numberNode(Double.NEGATIVE_INFINITY),
				NODES.numberNode(-0.0), NODES.numberNode(1e300), NODES.numberNode(Float.MIN_VALUE),
				NODES.numberNode(new BigDecimal("1.000000000000000000000001")),
				NODES.numberNode(new BigInteger("123456789012345678901234567890")), NODES.numberNode((short) 7),
				NODES.binaryNode(new byte[] { 0, 1, (byte) 0xff }), NODES.stringNode(""),
				NODES.stringNode("\u0000\u001f\"\\/\u2028\ud83d\ude00"), NODES.pojoNode(List.of(1, "two")),
				NODES.objectNode().set("nested", NODES.arrayNode().add(NODES.objectNode()).add(NODES.arrayNode())));
		Map<String, JsonNode> members = new LinkedHashMap<>();
		for (int i = 0; i < values.size(); i++) {
			members.put("k\u0000" + i, values.get(i));
		}
		TaskEnvelope envelope = new TaskEnvelope("id\n\"1\"", "t\u00e9", values, members, members,
				Map.of("h\u0001", "v\ud83d\ude00"), Instant.parse("-1000-01-01T00:00:00.000000001Z"), Integer.MAX_VALUE);
		assertThat(this.codec.encode(envelope)).isEqualTo(treeEncoding(envelope));
	}

	/**
	 * The envelope's JSON as this codec wrote it before it streamed: a tree, then its bytes.
	 */
	private static byte[] treeEncoding(TaskEnvelope envelope) {
		ObjectNode root = NODES.objectNode();
		root.put("v", TaskEnvelope.VERSION);
		root.put("id", envelope.id());
		root.put("task", envelope.task());
		ArrayNode args = root.putArray("args");
		envelope.args().forEach(args::add);
		ObjectNode kwargs = root.putObject("kwargs");
		envelope.kwargs().forEach(kwargs::set);
		ObjectNode options = root.putObject("options");
		envelope.options().forEach(options::set);
		ObjectNode headers = root.putObject("headers");
		envelope.headers().forEach(headers::put);
		root.put("created", envelope.created().toString());
		root.put("retries", envelope.retries());
		return JsonMapper.builder().build().writeValueAsBytes(root);
	}

	private static TaskEnvelope deepEnvelope(RandomGenerator random) {
		return new TaskEnvelope(name(random), name(random),
				Generators.list(random, 0, 5, (r) -> value(r, 3)),
				Generators.map(random, 4, EnvelopeCodecPropertyTests::text, (r) -> value(r, 3)),
				Generators.map(random, 4, EnvelopeCodecPropertyTests::text, (r) -> value(r, 3)),
				Generators.map(random, 3, EnvelopeCodecPropertyTests::text, (r) -> Generators.string(r, 0, 10)),
				Instant.ofEpochSecond(Generators.longBetween(random, -62_000_000_000L, 253_000_000_000L),
						Generators.intBetween(random, 0, 999_999_999)),
				Generators.intBetween(random, 0, Integer.MAX_VALUE));
	}

	private static JsonNode value(RandomGenerator random, int depth) {
		if (depth == 0 || random.nextInt(3) > 0) {
			return scalar(random);
		}
		if (random.nextBoolean()) {
			ArrayNode array = NODES.arrayNode();
			Generators.list(random, 0, 4, (r) -> value(r, depth - 1)).forEach(array::add);
			return array;
		}
		ObjectNode object = NODES.objectNode();
		Generators.map(random, 4, EnvelopeCodecPropertyTests::text, (r) -> value(r, depth - 1)).forEach(object::set);
		return object;
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
