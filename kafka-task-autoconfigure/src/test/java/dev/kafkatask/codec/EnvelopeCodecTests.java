package dev.kafkatask.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EnvelopeCodec}.
 *
 * @author kafka-task
 */
class EnvelopeCodecTests {

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@Test
	void whenEnvelopeIsEncodedThenItIsVersionedJson() {
		TaskEnvelope envelope = new TaskEnvelope("id-1", "orders.receipt",
				List.of(JsonNodeFactory.instance.stringNode("o-1")), Map.of(), Map.of(), Map.of("h", "v"),
				Instant.parse("2026-01-01T00:00:00Z"), 0);
		String json = new String(this.codec.encode(envelope), StandardCharsets.UTF_8);
		assertThat(json).startsWith("{\"v\":1,\"id\":\"id-1\",\"task\":\"orders.receipt\",\"args\":[\"o-1\"]");
		assertThat(this.codec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(envelope);
	}

	@Test
	void whenPayloadIsNotJsonThenReasonSaysSo() {
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.codec.decode("not json{".getBytes(StandardCharsets.UTF_8)))
			.withMessageStartingWith("Payload is not JSON");
	}

	@Test
	void whenVersionIsUnknownThenReasonNamesIt() {
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> decode("{\"v\":2,\"id\":\"a\",\"task\":\"t\",\"created\":\"2026-01-01T00:00:00Z\"}"))
			.withMessage("Envelope version 2 is not supported (expected 1)");
	}

	@Test
	void whenTaskIsMissingThenReasonNamesTheField() {
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> decode("{\"v\":1,\"id\":\"a\",\"created\":\"2026-01-01T00:00:00Z\"}"))
			.withMessage("Envelope field 'task' must be a non-empty string");
	}

	@Test
	void whenTrailingGarbageFollowsThenPayloadIsRejected() {
		assertThatExceptionOfType(InvalidEnvelopeException.class).isThrownBy(
				() -> decode("{\"v\":1,\"id\":\"a\",\"task\":\"t\",\"created\":\"2026-01-01T00:00:00Z\"} trailing"));
	}

	@Test
	void whenArgsIsNotAnArrayThenReasonNamesTheField() {
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> decode(
					"{\"v\":1,\"id\":\"a\",\"task\":\"t\",\"args\":{},\"created\":\"2026-01-01T00:00:00Z\"}"))
			.withMessage("Envelope field 'args' must be an array");
	}

	@Test
	void whenPayloadNamesAJavaTypeThenItIsReadAsPlainJson() {
		TaskEnvelope envelope = decode("{\"v\":1,\"id\":\"a\",\"task\":\"t\",\"args\":[[\"java.net.URL\","
				+ "\"http://example.invalid\"],{\"@class\":\"java.lang.ProcessBuilder\"}],"
				+ "\"created\":\"2026-01-01T00:00:00Z\"}");
		assertThat(envelope.args()).hasSize(2);
		assertThat(envelope.args().get(1).isObject()).isTrue();
	}

	private TaskEnvelope decode(String json) {
		return this.codec.decode(json.getBytes(StandardCharsets.UTF_8));
	}

}
