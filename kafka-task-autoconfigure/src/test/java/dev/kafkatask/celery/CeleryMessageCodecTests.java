package dev.kafkatask.celery;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

import dev.kafkatask.codec.TaskEnvelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CeleryMessageCodec}.
 *
 * @author kafka-task
 */
class CeleryMessageCodecTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final JsonMapper JSON = new JsonMapper();

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private static final String ID = "7d2c9a3e-1b4f-4e8a-9c6d-0f1e2d3c4b5a";

	private static final String EMPTY_EMBED = "{\"callbacks\":null,\"errbacks\":null,\"chain\":null,\"chord\":null}";

	private final CeleryMessageCodec codec = new CeleryMessageCodec("gen42@test-host",
			Clock.fixed(NOW, ZoneOffset.UTC));

	// Encoding

	@Test
	void whenEnvelopeIsEncodedThenPropertiesAreCelerys() {
		MessageProperties properties = this.codec.encode(envelope(Map.of(), Map.of())).getMessageProperties();
		assertThat(properties.getCorrelationId()).isEqualTo(ID);
		assertThat(properties.getContentType()).isEqualTo("application/json");
		assertThat(properties.getContentEncoding()).isEqualTo("utf-8");
		assertThat(properties.getDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
		assertThat(properties.getPriority()).isNull();
		assertThat(properties.getExpiration()).isNull();
		assertThat(properties.getReplyTo()).isNull();
		assertThat(properties.getTimestamp()).isEqualTo(Date.from(NOW.minusSeconds(5)));
	}

	@Test
	void whenEnvelopeHasNoOptionsThenUnsetHeadersAreNull() {
		Map<String, Object> headers = this.codec.encode(envelope(Map.of(), Map.of()))
			.getMessageProperties()
			.getHeaders();
		assertThat(headers).containsEntry("lang", "py")
			.containsEntry("task", "py.add")
			.containsEntry("id", ID)
			.containsEntry("root_id", ID)
			.containsEntry("parent_id", null)
			.containsEntry("group", null)
			.containsEntry("group_index", null)
			.containsEntry("retries", 0)
			.containsEntry("eta", null)
			.containsEntry("expires", null)
			.containsEntry("timelimit", Arrays.asList(null, null))
			.containsEntry("shadow", null)
			.containsEntry("origin", "gen42@test-host")
			.containsEntry("ignore_result", false)
			.containsEntry("argsrepr", "(1, 'a', None, True)")
			.containsEntry("kwargsrepr", "{'x': 1.5}")
			.hasSize(16);
	}

	@Test
	void whenOptionsAreSetThenHeadersCarryThem() {
		Map<String, JsonNode> options = new LinkedHashMap<>();
		options.put("eta", NODES.stringNode("2030-01-02T03:04:05.678901Z"));
		options.put("expires", NODES.stringNode("2030-01-03T02:00:00+02:00"));
		options.put("time_limit", NODES.numberNode(30));
		options.put("soft_time_limit", NODES.numberNode(20.5));
		options.put("shadow", NODES.stringNode("py.alias"));
		options.put("root_id", NODES.stringNode("root-1"));
		options.put("parent_id", NODES.stringNode("parent-1"));
		options.put("group", NODES.stringNode("group-1"));
		options.put("group_index", NODES.numberNode(2));
		options.put("origin", NODES.stringNode("gen7@elsewhere"));
		options.put("ignore_result", NODES.booleanNode(true));
		Message message = this.codec.encode(envelope(options, Map.of()));
		assertThat(message.getMessageProperties().getHeaders())
			.containsEntry("eta", "2030-01-02T03:04:05.678901+00:00")
			.containsEntry("expires", "2030-01-03T00:00:00+00:00")
			.containsEntry("timelimit", List.of(30, 20.5))
			.containsEntry("shadow", "py.alias")
			.containsEntry("root_id", "root-1")
			.containsEntry("parent_id", "parent-1")
			.containsEntry("group", "group-1")
			.containsEntry("group_index", 2)
			.containsEntry("origin", "gen7@elsewhere")
			.containsEntry("ignore_result", true);
	}

	@Test
	void whenEtaHasNanosecondsThenHeaderHasMicrosecondsWhichCelery52Parses() {
		Message message = this.codec.encode(envelope(Map.of("eta", NODES.stringNode("2030-01-02T03:04:05.123456789Z")),
				Map.of()));
		assertThat(message.getMessageProperties().<String>getHeader("eta"))
			.isEqualTo("2030-01-02T03:04:05.123456+00:00");
	}

	@Test
	void whenExpiresIsSetThenBrokerExpirationIsTheTimeLeftInMilliseconds() {
		Message soon = this.codec
			.encode(envelope(Map.of("expires", NODES.stringNode("2026-01-01T00:01:00Z")), Map.of()));
		Message past = this.codec
			.encode(envelope(Map.of("expires", NODES.stringNode("2025-12-31T00:00:00Z")), Map.of()));
		assertThat(soon.getMessageProperties().getExpiration()).isEqualTo("60000");
		assertThat(past.getMessageProperties().getExpiration()).isEqualTo("0");
	}

	@Test
	void whenExpiresIsBeyondTenYearsThenBrokerExpirationIsRabbitsMaximum() {
		Message message = this.codec
			.encode(envelope(Map.of("expires", NODES.stringNode("2099-01-01T00:00:00Z")), Map.of()));
		assertThat(message.getMessageProperties().getExpiration()).isEqualTo("315360000000");
		assertThat(message.getMessageProperties().<String>getHeader("expires")).isEqualTo("2099-01-01T00:00:00+00:00");
	}

	@Test
	void whenPriorityAndReplyToAreSetThenTheyAreAmqpProperties() {
		MessageProperties properties = this.codec
			.encode(envelope(Map.of("priority", NODES.numberNode(7), "reply_to", NODES.stringNode("q-reply")),
					Map.of()))
			.getMessageProperties();
		assertThat(properties.getPriority()).isEqualTo(7);
		assertThat(properties.getReplyTo()).isEqualTo("q-reply");
	}

	@ParameterizedTest
	@ValueSource(strings = { "256", "-1", "1.5", "\"high\"" })
	void whenPriorityIsNotAnAmqpPriorityThenEncodingFails(String priority) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.encode(envelope(Map.of("priority", JSON.readTree(priority)), Map.of())))
			.withMessageStartingWith("Option 'priority' must be an integer from 0 to 255");
	}

	@Test
	void whenEtaIsNotIsoThenEncodingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.encode(envelope(Map.of("eta", NODES.stringNode("tomorrow")), Map.of())))
			.withMessage("Option 'eta' must be an ISO-8601 instant, not \"tomorrow\"");
	}

	@Test
	void whenEtaIsBeyondPythonsYearsThenEncodingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec
				.encode(envelope(Map.of("eta", NODES.stringNode("+10000-01-01T00:00:00Z")), Map.of())))
			.withMessage("Option 'eta' must be an instant in Python's years 1 to 9999, not +10000-01-01T00:00:00Z");
	}

	@Test
	void whenTimeLimitIsNotANumberThenEncodingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.encode(envelope(Map.of("time_limit", NODES.stringNode("30s")), Map.of())))
			.withMessage("Option 'time_limit' must be a number of seconds, not \"30s\"");
	}

	@Test
	void whenEnvelopeHeadersAreSetThenTheyAreMergedWithoutReplacingProtocolHeaders() {
		Map<String, Object> headers = this.codec
			.encode(envelope(Map.of(),
					Map.of("tenant", "acme", "task", "evil.task", "eta", "x", "compression", "zlib")))
			.getMessageProperties()
			.getHeaders();
		assertThat(headers).containsEntry("tenant", "acme")
			.containsEntry("task", "py.add")
			.containsEntry("eta", null)
			.doesNotContainKey("compression");
	}

	@Test
	void whenEnvelopeIsEncodedThenBodyIsArgsKwargsAndEmbed() {
		String json = new String(this.codec.encode(envelope(Map.of(), Map.of())).getBody(), StandardCharsets.UTF_8);
		assertThat(JSON.readTree(json))
			.isEqualTo(JSON.readTree("[[1,\"a\",null,true],{\"x\":1.5}," + EMPTY_EMBED + "]"));
	}

	@Test
	void whenLinksAreSetThenBodyEmbedCarriesThemAndASingleLinkBecomesAList() {
		JsonNode callback = JSON.readTree("{\"task\":\"py.cb\",\"args\":[],\"kwargs\":{},\"options\":{}}");
		Map<String, JsonNode> options = Map.of("link", callback, "link_error", JSON.readTree("[" + callback + "]"),
				"chain", JSON.readTree("[" + callback + "]"), "chord", callback);
		JsonNode body = JSON.readTree(this.codec.encode(envelope(options, Map.of())).getBody());
		assertThat(body.get(2).get("callbacks")).isEqualTo(JSON.readTree("[" + callback + "]"));
		assertThat(body.get(2).get("errbacks")).isEqualTo(JSON.readTree("[" + callback + "]"));
		assertThat(body.get(2).get("chain")).isEqualTo(JSON.readTree("[" + callback + "]"));
		assertThat(body.get(2).get("chord")).isEqualTo(callback);
	}

	@Test
	void whenNullHeadersAreWrittenByTheRabbitClientThenTheyAreAmqpVoid() throws IOException {
		Message message = this.codec.encode(envelope(Map.of(), Map.of()));
		AMQP.BasicProperties written = new DefaultMessagePropertiesConverter()
			.fromMessageProperties(message.getMessageProperties(), "UTF-8");
		byte[] frame = written.toFrame(1, message.getBody().length).getPayload();
		// class id (2 bytes), then what BasicProperties reads: weight, body size, properties.
		AMQP.BasicProperties read = new AMQP.BasicProperties(
				new DataInputStream(new ByteArrayInputStream(frame, 2, frame.length - 2)));
		assertThat(read.getHeaders()).containsEntry("eta", null).containsEntry("parent_id", null);
		assertThat(new String(frame, StandardCharsets.ISO_8859_1)).contains("\u0003etaV");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			[]                                  | ()
			[1]                                 | (1,)
			["it's", "x\\"y", "é"]              | ('it\\'s', 'x"y', 'é')
			[1e16, 1.5e-5, 100.0, -0.0, 0.0001] | (1e+16, 1.5e-05, 100.0, -0.0, 0.0001)
			[123456789.123, 1e15, 1e22]         | (123456789.123, 1000000000000000.0, 1e+22)
			[18446744073709551616, false]       | (18446744073709551616, False)
			[[[[1]]], {"k": {"j": {"i": 1}}}]   | ([[[...]]], {'k': {'j': {...}}})
			""")
	void whenArgsAreEncodedThenArgsreprIsCelerysSaferepr(String args, String argsrepr) {
		List<JsonNode> values = List.copyOf(JSON.readTree(args).values());
		TaskEnvelope envelope = new TaskEnvelope(ID, "py.add", values, Map.of(), Map.of(), Map.of(), NOW, 0);
		assertThat(this.codec.encode(envelope).getMessageProperties().<String>getHeader("argsrepr"))
			.isEqualTo(argsrepr);
	}

	@Test
	void whenArgsHaveControlCharactersThenArgsreprKeepsThemAsCeleryDoes() {
		TaskEnvelope envelope = new TaskEnvelope(ID, "py.add", List.of(NODES.stringNode("a\nb\tc")), Map.of(),
				Map.of(), Map.of(), NOW, 0);
		assertThat(this.codec.encode(envelope).getMessageProperties().<String>getHeader("argsrepr"))
			.isEqualTo("('a\nb\tc',)");
	}

	@Test
	void whenKwargsAreEncodedThenKwargsreprIsADictSortedByName() {
		TaskEnvelope envelope = new TaskEnvelope(ID, "py.add", List.of(), Map.of("b", NODES.numberNode(2), "a",
				NODES.arrayNode().add(1).add("x"), "c", NODES.objectNode().put("n", (String) null)), Map.of(),
				Map.of(), NOW, 0);
		assertThat(this.codec.encode(envelope).getMessageProperties().<String>getHeader("kwargsrepr"))
			.isEqualTo("{'a': [1, 'x'], 'b': 2, 'c': {'n': None}}");
	}

	@Test
	void whenArgsreprWouldBeLongThenItIsCutAtAbout1024Characters() {
		List<JsonNode> args = List.of(NODES.stringNode("word ".repeat(300)), NODES.numberNode(1));
		TaskEnvelope envelope = new TaskEnvelope(ID, "py.add", args, Map.of(), Map.of(), Map.of(), NOW, 0);
		String argsrepr = this.codec.encode(envelope).getMessageProperties().getHeader("argsrepr");
		assertThat(argsrepr).hasSizeLessThan(1040).startsWith("('word word").endsWith("word...', ...)");
	}

	// Decoding

	@Test
	void whenCeleryMessageIsDecodedThenEnvelopeHasItsTaskAndArguments() {
		TaskEnvelope envelope = this.codec.decode(message("[[1, \"a\"], {\"x\": 1.5}, " + EMPTY_EMBED + "]",
				celeryHeaders()));
		assertThat(envelope.id()).isEqualTo(ID);
		assertThat(envelope.task()).isEqualTo("py.add");
		assertThat(envelope.args()).containsExactly(NODES.numberNode(1), NODES.stringNode("a"));
		assertThat(envelope.kwargs()).containsExactly(Map.entry("x", NODES.numberNode(1.5)));
		assertThat(envelope.options()).containsOnly(Map.entry("root_id", NODES.stringNode(ID)),
				Map.entry("origin", NODES.stringNode("gen1@py-host")),
				Map.entry("ignore_result", NODES.booleanNode(false)));
		assertThat(envelope.headers()).isEmpty();
		assertThat(envelope.created()).isEqualTo(NOW);
		assertThat(envelope.retries()).isZero();
	}

	@Test
	void whenHeadersAreAsTheRabbitClientDeliversThemThenTheyAreRead() {
		Map<String, @Nullable Object> headers = celeryHeaders();
		headers.put("task", LongStringHelper.asLongString("py.add"));
		headers.put("id", LongStringHelper.asLongString(ID));
		headers.put("retries", 3L);
		headers.put("timelimit", Arrays.asList(30, 2.5));
		headers.put("shadow", LongStringHelper.asLongString("py.alias"));
		// Spring AMQP hands over strings longer than 1024 bytes as a stream.
		byte[] longValue = "é".repeat(600).getBytes(StandardCharsets.UTF_8);
		headers.put("long", new DataInputStream(new ByteArrayInputStream(longValue)));
		headers.put("raw", "bytes".getBytes(StandardCharsets.UTF_8));
		headers.put("table", Map.of("n", 1));
		headers.put("list", List.of(LongStringHelper.asLongString("x"), true));
		headers.put("when", Date.from(NOW));
		TaskEnvelope envelope = this.codec.decode(message("[[], {}, null]", headers));
		assertThat(envelope.task()).isEqualTo("py.add");
		assertThat(envelope.id()).isEqualTo(ID);
		assertThat(envelope.retries()).isEqualTo(3);
		assertThat(envelope.options()).containsEntry("time_limit", NODES.numberNode(30))
			.containsEntry("soft_time_limit", NODES.numberNode(2.5))
			.containsEntry("shadow", NODES.stringNode("py.alias"));
		assertThat(envelope.headers()).containsOnly(Map.entry("long", "é".repeat(600)), Map.entry("raw", "bytes"),
				Map.entry("table", "{\"n\":1}"), Map.entry("list", "[\"x\",true]"),
				Map.entry("when", "2026-01-01T00:00:00Z"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			2030-01-02T03:04:05.678901+00:00 | 2030-01-02T03:04:05.678901Z
			2030-01-02T05:04:05+02:00        | 2030-01-02T03:04:05Z
			2030-01-02T03:04:05.5Z           | 2030-01-02T03:04:05.500Z
			2030-01-02T03:04:05              | 2030-01-02T03:04:05Z
			2030-01-02T03:04:05.700000       | 2030-01-02T03:04:05.700Z
			""")
	void whenEtaAndExpiresAreIsoThenOptionsHaveThemAsUtcInstants(String header, String option) {
		Map<String, @Nullable Object> headers = celeryHeaders();
		headers.put("eta", header);
		headers.put("expires", header);
		TaskEnvelope envelope = this.codec.decode(message("[[], {}, null]", headers));
		assertThat(envelope.options()).containsEntry("eta", NODES.stringNode(option))
			.containsEntry("expires", NODES.stringNode(option));
	}

	@Test
	void whenProtocolHeadersAreSetThenOptionsCarryThem() {
		Map<String, @Nullable Object> headers = celeryHeaders();
		headers.put("root_id", "root-1");
		headers.put("parent_id", "parent-1");
		headers.put("group", "group-1");
		headers.put("group_index", 4);
		headers.put("ignore_result", true);
		headers.put("timelimit", Arrays.asList(null, 10));
		Message message = message("[[], {}, null]", headers);
		message.getMessageProperties().setPriority(9);
		message.getMessageProperties().setReplyTo("reply-q");
		TaskEnvelope envelope = this.codec.decode(message);
		assertThat(envelope.options()).containsOnly(Map.entry("root_id", NODES.stringNode("root-1")),
				Map.entry("parent_id", NODES.stringNode("parent-1")),
				Map.entry("group", NODES.stringNode("group-1")), Map.entry("group_index", NODES.numberNode(4)),
				Map.entry("ignore_result", NODES.booleanNode(true)),
				Map.entry("soft_time_limit", NODES.numberNode(10)),
				Map.entry("origin", NODES.stringNode("gen1@py-host")), Map.entry("priority", NODES.numberNode(9)),
				Map.entry("reply_to", NODES.stringNode("reply-q")));
	}

	@Test
	void whenPriorityIsZeroThenItIsNoPriorityAsSpringAmqpReportsZeroForNone() {
		Message message = message("[[], {}, null]", celeryHeaders());
		message.getMessageProperties().setPriority(0);
		assertThat(this.codec.decode(message).options()).doesNotContainKey("priority");
	}

	@Test
	void whenEmbedHasCallbacksThenOptionsHaveLinksChainAndChord() {
		String signature = """
				{"task": "py.cb", "args": [1], "kwargs": {}, "options": {}, "immutable": false}""";
		String embed = "{\"callbacks\": [" + signature + "], \"errbacks\": [" + signature + "], \"chain\": ["
				+ signature + "], \"chord\": " + signature + "}";
		TaskEnvelope envelope = this.codec.decode(message("[[], {}, " + embed + "]", celeryHeaders()));
		assertThat(envelope.options()).containsEntry("link", JSON.readTree("[" + signature + "]"))
			.containsEntry("link_error", JSON.readTree("[" + signature + "]"))
			.containsEntry("chain", JSON.readTree("[" + signature + "]"))
			.containsEntry("chord", JSON.readTree(signature));
	}

	@Test
	void whenEmbedIsNullOrItsMembersAreNullThenNoLinkOptions() {
		TaskEnvelope nullEmbed = this.codec.decode(message("[[], {}, null]", celeryHeaders()));
		TaskEnvelope emptyEmbed = this.codec.decode(message("[[], {}, " + EMPTY_EMBED + "]", celeryHeaders()));
		assertThat(nullEmbed.options()).doesNotContainKeys("link", "link_error", "chain", "chord");
		assertThat(emptyEmbed.options()).isEqualTo(nullEmbed.options());
	}

	@Test
	void whenMessageHasATimestampThenItIsTheCreationTime() {
		Message message = message("[[], {}, null]", celeryHeaders());
		message.getMessageProperties().setTimestamp(Date.from(Instant.parse("2025-06-01T12:00:00Z")));
		assertThat(this.codec.decode(message).created()).isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
	}

	@Test
	void whenOtherHeadersAreSetThenEnvelopeHeadersCarryThemAsText() {
		Map<String, @Nullable Object> headers = celeryHeaders();
		headers.put("tenant", "acme");
		headers.put("attempt", 3);
		headers.put("stamps", null);
		headers.put("nested", List.of(1, Map.of("a", "b")));
		TaskEnvelope envelope = this.codec.decode(message("[[], {}, null]", headers));
		assertThat(envelope.headers()).containsOnly(Map.entry("tenant", "acme"), Map.entry("attempt", "3"),
				Map.entry("nested", "[1,{\"a\":\"b\"}]"));
	}

	@Test
	void whenArgsUseKombu53TypedValuesThenTheyAreTheirText() {
		String args = """
				[{"__type__": "datetime", "__value__": "2026-03-04T05:06:07+00:00"},
				 {"__type__": "date", "__value__": "2026-03-04"},
				 {"__type__": "time", "__value__": "12:30:00"},
				 {"__type__": "decimal", "__value__": "12.50"},
				 {"__type__": "uuid", "__value__": {"hex": "5A6F1E2C9B7D4F0E8A1B2C3D4E5F6A7B", "version": 4}},
				 {"__type__": "bytes", "__value__": "raw"},
				 {"__type__": "base64", "__value__": "AAEC"},
				 {"__type__": "datetime"},
				 {"__type__": "datetime", "__value__": "2026-03-04T05:06:07", "extra": 1},
				 "2026-03-04T05:06:07Z"]""";
		String kwargs = "{\"deep\": {\"list\": [[{\"__type__\": \"decimal\", \"__value__\": \"1.1\"}]]}}";
		String embed = "{\"callbacks\": [{\"task\": \"py.cb\", \"args\": [{\"__type__\": \"date\", \"__value__\": "
				+ "\"2026-03-04\"}]}], \"errbacks\": null, \"chain\": null, \"chord\": null}";
		TaskEnvelope envelope = this.codec
			.decode(message("[" + args + ", " + kwargs + ", " + embed + "]", celeryHeaders()));
		assertThat(envelope.args()).containsExactly(NODES.stringNode("2026-03-04T05:06:07+00:00"),
				NODES.stringNode("2026-03-04"), NODES.stringNode("12:30:00"), NODES.stringNode("12.50"),
				NODES.stringNode("5a6f1e2c-9b7d-4f0e-8a1b-2c3d4e5f6a7b"), NODES.stringNode("raw"),
				NODES.stringNode("AAEC"), JSON.readTree("{\"__type__\": \"datetime\"}"),
				JSON.readTree("{\"__type__\": \"datetime\", \"__value__\": \"2026-03-04T05:06:07\", \"extra\": 1}"),
				NODES.stringNode("2026-03-04T05:06:07Z"));
		assertThat(envelope.kwargs().get("deep")).isEqualTo(JSON.readTree("{\"list\": [[\"1.1\"]]}"));
		assertThat(envelope.options().get("link"))
			.isEqualTo(JSON.readTree("[{\"task\": \"py.cb\", \"args\": [\"2026-03-04\"]}]"));
	}

	@Test
	void whenKombuTypeIsUnknownThenReasonNamesIt() {
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(
					message("[[{\"__type__\": \"complex\", \"__value__\": \"1+2j\"}], {}, null]", celeryHeaders())))
			.withMessageStartingWith("kombu JSON type 'complex' is not supported");
	}

	@Test
	void whenMessageIsEncodedThenItDecodesToTheSameEnvelopePlusProtocolDefaults() {
		TaskEnvelope envelope = envelope(Map.of("eta", NODES.stringNode("2030-01-02T03:04:05Z")),
				Map.of("tenant", "acme"));
		TaskEnvelope decoded = this.codec.decode(this.codec.encode(envelope));
		assertThat(decoded.id()).isEqualTo(envelope.id());
		assertThat(decoded.task()).isEqualTo(envelope.task());
		assertThat(decoded.args()).isEqualTo(envelope.args());
		assertThat(decoded.kwargs()).isEqualTo(envelope.kwargs());
		assertThat(decoded.headers()).isEqualTo(envelope.headers());
		assertThat(decoded.created()).isEqualTo(envelope.created());
		assertThat(decoded.retries()).isEqualTo(envelope.retries());
		assertThat(decoded.options()).containsOnly(Map.entry("eta", NODES.stringNode("2030-01-02T03:04:05Z")),
				Map.entry("root_id", NODES.stringNode(ID)), Map.entry("origin", NODES.stringNode("gen42@test-host")),
				Map.entry("ignore_result", NODES.booleanNode(false)));
	}

	// Errors

	@ParameterizedTest
	@ValueSource(strings = { "application/x-python-serialize", "application/x-yaml", "application/x-msgpack",
			"text/plain" })
	void whenContentTypeIsNotJsonThenBodyIsNeverReadAndReasonNamesIt(String contentType) {
		Message message = message("not even json", celeryHeaders());
		message.getMessageProperties().setContentType(contentType);
		assertThatExceptionOfType(InvalidCeleryMessageException.class).isThrownBy(() -> this.codec.decode(message))
			.withMessage("Content type '" + contentType
					+ "' is not supported; only application/json is read (set task_serializer = 'json' in Celery)");
	}

	@Test
	void whenContentTypeIsMissingThenReasonSaysSo() {
		Message message = message("[[], {}, null]", celeryHeaders());
		message.getMessageProperties().setContentType(null);
		assertThatExceptionOfType(InvalidCeleryMessageException.class).isThrownBy(() -> this.codec.decode(message))
			.withMessageStartingWith("Message has no content type");
	}

	@Test
	void whenContentTypeHasACharsetThenItIsJson() {
		Message message = message("[[], {}, null]", celeryHeaders());
		message.getMessageProperties().setContentType("Application/JSON; charset=utf-8");
		assertThat(this.codec.decode(message).task()).isEqualTo("py.add");
	}

	@Test
	void whenContentEncodingIsNotUtf8ThenReasonNamesIt() {
		Message message = message("[[], {}, null]", celeryHeaders());
		message.getMessageProperties().setContentEncoding("binary");
		assertThatExceptionOfType(InvalidCeleryMessageException.class).isThrownBy(() -> this.codec.decode(message))
			.withMessage("Content encoding 'binary' is not supported; only utf-8 is read");
	}

	@Test
	void whenMessageIsCompressedThenReasonSaysSo() {
		Map<String, @Nullable Object> headers = celeryHeaders();
		headers.put("compression", "application/x-gzip");
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("[[], {}, null]", headers)))
			.withMessageStartingWith("Message is compressed (application/x-gzip)");
	}

	@Test
	void whenBodyIsNotJsonThenReasonSaysSo() {
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("[[], {}, nul", celeryHeaders())))
			.withMessageStartingWith("Body is not JSON");
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("", celeryHeaders())))
			.withMessageStartingWith("Body is not JSON");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			{}                        | Body must be a JSON array of 3 elements [args, kwargs, embed], not an object
			[[], {}]                  | Body must be a JSON array of 3 elements [args, kwargs, embed], not an array of 2
			[[], {}, null, 1]         | Body must be a JSON array of 3 elements [args, kwargs, embed], not an array of 4
			[{}, {}, null]            | Body element 1 (args) must be a JSON array, not an object
			[[], [], null]            | Body element 2 (kwargs) must be a JSON object, not an array of 0
			[[], null, null]          | Body element 2 (kwargs) must be a JSON object, not null
			[[], {}, []]              | Body element 3 (embed) must be a JSON object or null, not an array of 0
			[[], {}, "x"]             | Body element 3 (embed) must be a JSON object or null, not a string
			""")
	void whenBodyIsNotArgsKwargsAndEmbedThenReasonSaysWhatIsWrong(String body, String reason) {
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message(body, celeryHeaders())))
			.withMessage(reason);
	}

	@Test
	void whenMessageIsProtocol1ThenReasonSaysHowToSwitch() {
		Map<String, @Nullable Object> headers = new LinkedHashMap<>();
		String body = "{\"task\": \"py.add\", \"id\": \"" + ID + "\", \"args\": [1], \"kwargs\": {}, \"retries\": 0}";
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message(body, headers)))
			.withMessage("Celery message protocol 1 is not supported; set task_protocol = 2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "task", "id" })
	void whenTaskOrIdHeaderIsMissingOrBlankThenReasonNamesIt(String name) {
		Map<String, @Nullable Object> missing = celeryHeaders();
		missing.remove(name);
		Map<String, @Nullable Object> blank = celeryHeaders();
		blank.put(name, " ");
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("[[], {}, null]", missing)))
			.withMessage("Header '" + name + "' must be a non-blank string, not missing");
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("[[], {}, null]", blank)))
			.withMessage("Header '" + name + "' must be a non-blank string, not \" \"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "-1", "1.5", "\"2\"", "true", "3000000000" })
	void whenRetriesIsNotANonNegativeIntegerThenReasonSaysSo(String retries) {
		Map<String, @Nullable Object> headers = celeryHeaders();
		headers.put("retries", AmqpHeaderValues.fromJson(JSON.readTree(retries)));
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("[[], {}, null]", headers)))
			.withMessage("Header 'retries' must be a non-negative integer, not " + retries);
	}

	@ParameterizedTest
	@ValueSource(strings = { "eta", "expires" })
	void whenEtaOrExpiresIsNotIsoThenReasonNamesTheHeader(String name) {
		Map<String, @Nullable Object> notIso = celeryHeaders();
		notIso.put(name, "next tuesday");
		Map<String, @Nullable Object> number = celeryHeaders();
		number.put(name, 3600);
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("[[], {}, null]", notIso)))
			.withMessage("Header '" + name + "' must be an ISO-8601 date-time, not \"next tuesday\"");
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("[[], {}, null]", number)))
			.withMessage("Header '" + name + "' must be an ISO-8601 date-time, not 3600");
	}

	@Test
	void whenTimelimitIsNotAPairThenReasonSaysSo() {
		Map<String, @Nullable Object> headers = celeryHeaders();
		headers.put("timelimit", List.of(30));
		assertThatExceptionOfType(InvalidCeleryMessageException.class)
			.isThrownBy(() -> this.codec.decode(message("[[], {}, null]", headers)))
			.withMessage("Header 'timelimit' must be [time_limit, soft_time_limit], each a number or null, not [30]");
	}

	private static TaskEnvelope envelope(Map<String, JsonNode> options, Map<String, String> headers) {
		return new TaskEnvelope(ID, "py.add",
				List.of(NODES.numberNode(1), NODES.stringNode("a"), NODES.nullNode(), NODES.booleanNode(true)),
				Map.of("x", NODES.numberNode(1.5)), options, headers, NOW.minusSeconds(5), 0);
	}

	/**
	 * Headers as Celery 5.2 writes them for {@code send_task('py.add')}.
	 */
	private static Map<String, @Nullable Object> celeryHeaders() {
		Map<String, @Nullable Object> headers = new LinkedHashMap<>();
		headers.put("lang", "py");
		headers.put("task", "py.add");
		headers.put("id", ID);
		headers.put("shadow", null);
		headers.put("eta", null);
		headers.put("expires", null);
		headers.put("group", null);
		headers.put("group_index", null);
		headers.put("retries", 0);
		headers.put("timelimit", Arrays.asList(null, null));
		headers.put("root_id", ID);
		headers.put("parent_id", null);
		headers.put("argsrepr", "()");
		headers.put("kwargsrepr", "{}");
		headers.put("origin", "gen1@py-host");
		headers.put("ignore_result", false);
		return headers;
	}

	@Test
	void whenMessageCarriesHeadersOfTheBrokerThenTheyDoNotTravelOnWithTheTask() {
		Map<String, @Nullable Object> headers = new java.util.HashMap<>();
		headers.put("task", "t");
		headers.put("id", "i");
		headers.put("CC", List.of("other-queue"));
		headers.put("BCC", List.of("secret-queue"));
		headers.put("x-death", List.of(Map.of("count", 1L, "queue", "kafka-task.delay.1s")));
		headers.put("x-first-death-queue", "kafka-task.delay.1s");
		headers.put("trace", "kept");
		TaskEnvelope envelope = this.codec.decode(message("[[], {}, {}]", headers));
		assertThat(envelope.headers()).containsOnlyKeys("trace");
	}

	/**
	 * A message as Spring AMQP delivers one that a Celery client sent.
	 */
	private static Message message(String body, Map<String, @Nullable Object> headers) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType("application/json");
		properties.setContentEncoding("utf-8");
		properties.setPriority(null);
		headers.forEach(properties::setHeader);
		return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
	}

}
