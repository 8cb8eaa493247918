package dev.kafkatask.benchmarks;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RawTaskProducer}.
 *
 * @author kafka-task
 */
class RawTaskProducerTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	@Test
	void envelopeIsTheBytesKafkaTasksCodecWritesForTheSameTask() {
		Instant created = Instant.parse("2026-12-03T13:40:00.123456Z");
		byte[] raw = RawTaskProducer.envelope("id-1", BenchmarkTasks.IO, List.of(7L, 42L, 5000L), BenchmarkTasks.QUEUE,
				created.toString());
		TaskEnvelope envelope = new TaskEnvelope("id-1", BenchmarkTasks.IO,
				List.of(NODES.numberNode(7), NODES.numberNode(42), NODES.numberNode(5000L)), Map.of(),
				Map.of("queue", NODES.stringNode(BenchmarkTasks.QUEUE)), Map.of(), created, 0);
		assertThat(raw).isEqualTo(new EnvelopeCodec().encode(envelope));
		assertThat(new EnvelopeCodec().encode(new EnvelopeCodec().decode(raw))).isEqualTo(raw);
	}

}
