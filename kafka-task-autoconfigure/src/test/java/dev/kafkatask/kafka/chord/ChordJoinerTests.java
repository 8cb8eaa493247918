package dev.kafkatask.kafka.chord;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.kafka.mock.MockConsumerFactory;

import dev.kafkatask.canvas.CanvasHeaders;
import dev.kafkatask.canvas.Signature;
import dev.kafkatask.canvas.SignatureMessage;
import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link ChordJoiner} on a {@code MockConsumer} and a transactional
 * {@code MockProducer}: members reported twice count once, the callback is written once
 * with the results in order together with the done marker and the offsets, a failed member
 * writes the callback's error links instead, chords already done are not fired again, and
 * reports that are not reports are ignored.
 *
 * @author kafka-task
 */
class ChordJoinerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final ChordTopics TOPICS = ChordTopics.of("t.");

	private static final TopicPartition MEMBERS = new TopicPartition(TOPICS.members(), 0);

	private static final TopicPartition DONE = new TopicPartition(TOPICS.done(), 0);

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final MockConsumer<String, byte[]> members = new MockConsumer<>("earliest");

	private final MockConsumer<String, byte[]> doneReader = new MockConsumer<>("earliest");

	private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
			new ByteArraySerializer());

	private ChordJoiner joiner;

	private long doneEnd;

	@AfterEach
	void stop() {
		if (this.joiner != null) {
			this.joiner.stop();
		}
	}

	@Test
	void whenEveryMemberSucceededThenTheCallbackIsWrittenOnceWithTheResultsInOrder() throws Exception {
		JsonNode callback = callback("sum", 3, "cb-1");
		start(List.of(report("g1", 2, true, "4", callback), report("g1", 0, true, "0", callback),
				garbage("g1"),
				report("g1", 0, true, "0", callback), report("g1", 1, true, "1", callback)));
		await().atMost(TIMEOUT).until(() -> this.producer.commitCount() == 1);
		List<ProducerRecord<String, byte[]>> written = this.producer.history();
		assertThat(written).hasSize(2);
		TaskEnvelope sum = this.codec.decode(written.get(0).value());
		assertThat(written.get(0).topic()).isEqualTo("t.default");
		assertThat(sum.id()).isEqualTo("cb-1");
		assertThat(sum.task()).isEqualTo("sum");
		assertThat(sum.args()).containsExactly(this.mapper.readTree("[0,1,4]"), this.mapper.readTree("\"label\""));
		assertThat(written.get(1).topic()).isEqualTo(TOPICS.done());
		assertThat(written.get(1).partition()).isEqualTo(0);
		assertThat(written.get(1).key()).isEqualTo("g1");
		assertThat(this.mapper.readTree(written.get(1).value()).get("outcome").asString()).isEqualTo("callback");
		assertThat(this.producer.consumerGroupOffsetsHistory()).singleElement()
			.satisfies((offsets) -> assertThat(offsets.values()).containsExactly(
					Map.of(MEMBERS, new OffsetAndMetadata(5))));
		assertThat(this.joiner.openChords()).isZero();
	}

	@Test
	void whenAMemberFailedThenTheCallbacksErrorLinksAreWrittenInstead() throws Exception {
		JsonNode callback = callback("sum", 3, "cb-2");
		start(List.of(report("g2", 0, true, "0", callback), report("g2", 1, false, null, callback)));
		await().atMost(TIMEOUT).until(() -> this.producer.commitCount() == 1);
		List<ProducerRecord<String, byte[]>> written = this.producer.history();
		assertThat(written).hasSize(2);
		TaskEnvelope errorLink = this.codec.decode(written.get(0).value());
		assertThat(errorLink.task()).isEqualTo("on-error");
		assertThat(errorLink.args()).containsExactly(this.mapper.readTree("\"cb-2\""));
		assertThat(errorLink.headers()).containsEntry(CanvasHeaders.FAILED_TASK, "member-1")
			.hasEntrySatisfying(CanvasHeaders.ERROR, (error) -> assertThat(error).contains("g2").contains("boom"));
		assertThat(this.mapper.readTree(written.get(1).value()).get("outcome").asString()).isEqualTo("error");
	}

	@Test
	void whenAChordIsAlreadyDoneThenItsReportsFireNothing() throws Exception {
		JsonNode callback = callback("sum", 1, "cb-3");
		this.doneEnd = 1;
		this.doneReader.schedulePollTask(() -> this.doneReader.addRecord(new ConsumerRecord<>(TOPICS.done(), 0, 0, "g3",
				"{\"outcome\":\"callback\"}".getBytes(StandardCharsets.UTF_8))));
		start(List.of(report("g3", 0, true, "9", callback), report("g4", 0, true, "16", callback("sum", 1, "cb-4"))));
		await().atMost(TIMEOUT).until(() -> this.producer.commitCount() == 1);
		assertThat(this.producer.history()).hasSize(2)
			.first()
			.satisfies((record) -> assertThat(this.codec.decode(record.value()).id()).isEqualTo("cb-4"));
	}

	private void start(List<ConsumerRecord<String, byte[]>> reports) {
		this.members.updateBeginningOffsets(Map.of(MEMBERS, 0L));
		this.members.updateEndOffsets(Map.of(MEMBERS, (long) reports.size()));
		this.members.schedulePollTask(() -> {
			this.members.rebalance(List.of(MEMBERS));
			reports.forEach(this.members::addRecord);
		});
		this.doneReader.updatePartitions(TOPICS.done(), List.of(new PartitionInfo(TOPICS.done(), 0, null, null, null)));
		this.doneReader.updateBeginningOffsets(Map.of(DONE, 0L));
		this.doneReader.updateEndOffsets(Map.of(DONE, this.doneEnd));
		ChordCallbacks callbacks = new ChordCallbacks(new TaskTopics("t."), this.codec, (task) -> "default",
				(queue) -> true, Clock.systemUTC());
		this.joiner = new ChordJoiner(new MockConsumerFactory<>(() -> this.members),
				new MockConsumerFactory<>(() -> this.doneReader), () -> this.producer, TOPICS, callbacks, this.mapper,
				TaskObserver.composite(List.of()), Clock.systemUTC(), Duration.ofDays(7));
		this.joiner.start();
	}

	private JsonNode callback(String task, int size, String id) {
		TaskOptions options = TaskOptions.none().withTaskId(id)
			.withOption("link_error", List.of(Map.of("task", "on-error")));
		return SignatureMessage.json(Signature.of(task, "label"), options, size, this.mapper);
	}

	private ConsumerRecord<String, byte[]> report(String group, int index, boolean succeeded, String result,
			JsonNode callback) {
		ObjectNode json = this.mapper.createObjectNode()
			.put("group", group)
			.put("index", index)
			.put("taskId", "member-" + index)
			.put("succeeded", succeeded);
		json.set("callback", callback);
		if (result != null) {
			json.set("result", this.mapper.readTree(result));
		}
		else {
			json.put("error", "java.lang.IllegalStateException: boom");
		}
		return new ConsumerRecord<>(TOPICS.members(), 0, this.offset++, group, this.mapper.writeValueAsBytes(json));
	}

	private ConsumerRecord<String, byte[]> garbage(String group) {
		return new ConsumerRecord<>(TOPICS.members(), 0, this.offset++, group,
				"not json".getBytes(StandardCharsets.UTF_8));
	}

	private long offset;

}
