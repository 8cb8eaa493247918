package dev.kafkatask.celery;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

import dev.kafkatask.codec.TaskEnvelope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CeleryMessageCodec} against messages that Celery 5.2.6 (kombu 5.2.4,
 * py-amqp 5.1.1) sent through RabbitMQ, captured by {@code celery/capture_golden_messages.py}
 * into {@code celery/golden/}. Each fixture holds the raw AMQP content header and body,
 * which are read here with the RabbitMQ Java client and Spring AMQP's property converter,
 * exactly as a Spring AMQP listener receives them.
 *
 * @author kafka-task
 */
class CeleryMessageCodecGoldenTests {

	private static final JsonMapper JSON = new JsonMapper();

	private static final Instant NOW = Instant.parse("2026-11-23T05:06:00Z");

	/**
	 * The capturing process's node name, which Celery sends as {@code origin}.
	 */
	private static final String ORIGIN = "gen23198@vm";

	/**
	 * The capturing app's thread id, which Celery sends as {@code reply_to}.
	 */
	private static final String REPLY_TO = "0b87be91-e424-3e73-ad09-4f3fef8a2d6a";

	private static final Set<String> PROTOCOL_HEADERS = Set.of("lang", "task", "id", "shadow", "eta", "expires",
			"group", "group_index", "retries", "timelimit", "root_id", "parent_id", "argsrepr", "kwargsrepr", "origin",
			"ignore_result");

	private static final String SIGNATURE = "{\"task\": \"%s\", \"args\": %s, \"kwargs\": %s, \"options\": {}, "
			+ "\"subtask_type\": null, \"immutable\": false}";

	private final CeleryMessageCodec codec = new CeleryMessageCodec("gen1@java-host", Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void whenCelerySendsATaskWithoutArgumentsThenEnvelopeHasOnlyTheProtocolDefaults() throws IOException {
		assertThat(this.codec.decode(fixture("minimal"))).isEqualTo(new TaskEnvelope(
				"00000000-0000-4000-8000-000000000001", "py.record", List.of(), Map.of(),
				defaults("00000000-0000-4000-8000-000000000001"), Map.of(), NOW, 0));
	}

	@Test
	void whenCeleryLeavesHeadersUnsetThenTheyArriveAsVoid() throws IOException {
		assertThat(fixture("minimal").getMessageProperties().getHeaders()).containsEntry("shadow", null)
			.containsEntry("eta", null)
			.containsEntry("expires", null)
			.containsEntry("group", null)
			.containsEntry("group_index", null)
			.containsEntry("parent_id", null)
			.containsEntry("timelimit", Arrays.asList(null, null));
	}

	@Test
	void whenCelerySendsEveryOptionThenEnvelopeHasThemAll() throws IOException {
		Map<String, JsonNode> options = defaults("00000000-0000-4000-8000-000000000002");
		options.put("eta", json("\"2030-01-02T03:04:05.678901Z\""));
		options.put("expires", json("\"2030-01-02T22:00:00Z\""));
		options.put("time_limit", json("30"));
		options.put("soft_time_limit", json("20.5"));
		options.put("priority", json("5"));
		assertThat(this.codec.decode(fixture("full"))).isEqualTo(new TaskEnvelope(
				"00000000-0000-4000-8000-000000000002", "py.record",
				args("[42, \"text\", null, true, 1.5, \"2026-03-04T05:06:07.890123Z\", [1, \"two\"], {\"k\": \"v\"}]"),
				kwargs("{\"amount\": \"12.50\", \"ref\": \"5a6f1e2c-9b7d-4f0e-8a1b-2c3d4e5f6a7b\", "
						+ "\"day\": \"2026-03-04T00:00:00\", \"at\": \"12:30:00\", \"quote\": \"it's\"}"),
				options, Map.of("tenant", "acme", "attempt", "3"), NOW, 2));
	}

	@Test
	void whenCelerySendsACountdownThenEtaAndExpiresAreInstants() throws IOException {
		Map<String, JsonNode> options = defaults("00000000-0000-4000-8000-000000000003");
		options.put("eta", json("\"2026-11-23T05:07:08.384389Z\""));
		options.put("expires", json("\"2026-11-23T06:06:08.384389Z\""));
		assertThat(this.codec.decode(fixture("countdown"))).isEqualTo(new TaskEnvelope(
				"00000000-0000-4000-8000-000000000003", "py.record", args("[1]"), Map.of(), options, Map.of(), NOW, 0));
	}

	@Test
	void whenCelerySendsNaiveDateTimesThenTheyAreUtc() throws IOException {
		Map<String, JsonNode> options = defaults("00000000-0000-4000-8000-000000000004");
		options.put("eta", json("\"2030-01-02T03:04:05Z\""));
		options.put("expires", json("\"2030-01-03T04:05:06.700Z\""));
		assertThat(this.codec.decode(fixture("naive"))).isEqualTo(new TaskEnvelope(
				"00000000-0000-4000-8000-000000000004", "py.record", List.of(), Map.of(), options, Map.of(), NOW, 0));
	}

	@Test
	void whenCelerySendsAWorkflowThenLinksChainChordAndIdsAreOptions() throws IOException {
		Map<String, JsonNode> options = defaults("00000000-0000-4000-8000-0000000000bb");
		options.put("parent_id", json("\"00000000-0000-4000-8000-0000000000cc\""));
		options.put("group", json("\"00000000-0000-4000-8000-0000000000aa\""));
		options.put("group_index", json("2"));
		options.put("shadow", json("\"py.record.alias\""));
		options.put("ignore_result", json("true"));
		options.put("link", json("[" + SIGNATURE.formatted("py.callback", "[3]", "{}") + "]"));
		options.put("link_error", json("[" + SIGNATURE.formatted("py.errback", "[]", "{}") + "]"));
		options.put("chain", json("[" + SIGNATURE.formatted("py.next", "[4]", "{\"n\": 5}") + "]"));
		options.put("chord", json(SIGNATURE.formatted("py.body", "[]", "{}")));
		assertThat(this.codec.decode(fixture("workflow"))).isEqualTo(new TaskEnvelope(
				"00000000-0000-4000-8000-000000000005", "py.record", args("[1, 2]"), Map.of(), options, Map.of(), NOW,
				0));
	}

	@Test
	void whenBodyIsInKombu53EncodingThenTypedValuesAreTheirText() throws IOException {
		assertThat(this.codec.decode(fixture("kombu53-types"))).isEqualTo(new TaskEnvelope(
				"00000000-0000-4000-8000-000000000006", "py.record",
				args("[\"2026-03-04T05:06:07.890123+00:00\", \"2026-03-04\", \"12:30:00\", \"12.50\", "
						+ "\"5a6f1e2c-9b7d-4f0e-8a1b-2c3d4e5f6a7b\", \"raw\"]"),
				kwargs("{\"nested\": {\"when\": [\"2026-03-04T05:06:07\"], \"blob\": \"AAEC\"}, "
						+ "\"plain\": {\"__type__\": \"datetime\"}}"),
				defaults("00000000-0000-4000-8000-000000000006"), Map.of(), NOW, 0));
	}

	@Test
	void whenMinimalCeleryMessageIsDecodedAndEncodedThenItIsWhatCelerySent() throws IOException {
		Message celery = fixture("minimal");
		Message encoded = this.codec.encode(this.codec.decode(celery));
		MessageProperties properties = encoded.getMessageProperties();
		assertThat(properties.getHeaders()).isEqualTo(celery.getMessageProperties().getHeaders());
		assertThat(properties.getCorrelationId()).isEqualTo(celery.getMessageProperties().getCorrelationId());
		assertThat(properties.getReplyTo()).isEqualTo(REPLY_TO);
		assertThat(properties.getContentType()).isEqualTo("application/json");
		assertThat(properties.getContentEncoding()).isEqualTo("utf-8");
		assertThat(properties.getDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
		assertThat(JSON.readTree(encoded.getBody())).isEqualTo(JSON.readTree(celery.getBody()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "minimal", "full", "countdown", "naive", "workflow" })
	void whenCeleryMessageIsDecodedAndEncodedThenHeadersHaveCelerysNamesAndTypes(String name) throws IOException {
		Map<String, Object> celery = fixture(name).getMessageProperties().getHeaders();
		Map<String, Object> encoded = this.codec.encode(this.codec.decode(fixture(name)))
			.getMessageProperties()
			.getHeaders();
		assertThat(encoded.keySet()).isEqualTo(celery.keySet());
		// Envelope headers are strings: compare the types of the protocol's own headers.
		celery.keySet()
			.stream()
			.filter(PROTOCOL_HEADERS::contains)
			.forEach((header) -> assertThat(typeOf(encoded.get(header))).as(header)
				.isEqualTo(typeOf(celery.get(header))));
	}

	private static String typeOf(Object value) {
		if (value instanceof List<?> list) {
			return list.stream().map(CeleryMessageCodecGoldenTests::typeOf).toList().toString();
		}
		return (value != null) ? value.getClass().getSimpleName() : "void";
	}

	/**
	 * Return a captured message as a Spring AMQP listener receives it.
	 */
	private static Message fixture(String name) throws IOException {
		JsonNode fixture;
		try (InputStream input = CeleryMessageCodecGoldenTests.class
			.getResourceAsStream("/celery/golden/" + name + ".json")) {
			assertThat(input).as("fixture " + name).isNotNull();
			fixture = JSON.readTree(input);
		}
		assertThat(fixture.get("producer").get("celery").stringValue()).isEqualTo("5.2.6");
		byte[] header = Base64.getDecoder().decode(fixture.get("content_header").stringValue());
		// The frame payload starts with the class id, then what BasicProperties reads.
		AMQP.BasicProperties properties = new AMQP.BasicProperties(
				new DataInputStream(new ByteArrayInputStream(header, 2, header.length - 2)));
		MessageProperties received = new DefaultMessagePropertiesConverter().toMessageProperties(properties, null,
				"UTF-8");
		return new Message(Base64.getDecoder().decode(fixture.get("body").stringValue()), received);
	}

	private static Map<String, JsonNode> defaults(String rootId) {
		Map<String, JsonNode> options = new HashMap<>();
		options.put("root_id", json("\"" + rootId + "\""));
		options.put("origin", json("\"" + ORIGIN + "\""));
		options.put("ignore_result", json("false"));
		options.put("reply_to", json("\"" + REPLY_TO + "\""));
		return options;
	}

	private static JsonNode json(String json) {
		return JSON.readTree(json);
	}

	private static List<JsonNode> args(String json) {
		return List.copyOf(JSON.readTree(json).values());
	}

	private static Map<String, JsonNode> kwargs(String json) {
		Map<String, JsonNode> kwargs = new HashMap<>();
		JSON.readTree(json).forEachEntry(kwargs::put);
		return kwargs;
	}

}
