package dev.kafkatask.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockConsumerFactory;
import org.springframework.kafka.mock.MockProducerFactory;

import dev.kafkatask.monitor.TaskActivity;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link TaskEventLog} reading {@code MockConsumer} topics: the latest tasks,
 * newest first and no more than asked, the activity of the last minute counted from the
 * events read, the JSON of events, and the events topics of several Kafka clusters, one of
 * them down.
 *
 * @author kafka-task
 */
class TaskEventLogTests {

	private static final String TOPIC = "tasks.__events";

	private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

	private static final Instant T = Instant.parse("2026-12-02T14:00:00Z");

	private final List<ConsumerRecord<String, byte[]>> log = new ArrayList<>();

	private final MockProducer<String, byte[]> producer = new StayingOpen();

	private final List<ConsumerRecord<String, byte[]>> eastLog = new ArrayList<>();

	private final MockProducer<String, byte[]> eastProducer = new StayingOpen();

	private final TaskEventLog events = new TaskEventLog(
			new KafkaTemplate<>(new MockProducerFactory<>(() -> this.producer)),
			new MockConsumerFactory<>(() -> consumer(this.log)), TOPIC, Duration.ofHours(1), 100, new JsonMapper(),
			TaskObserver.NONE, Clock.fixed(T, ZoneOffset.UTC));

	@AfterEach
	void stop() {
		this.events.stop();
	}

	@Test
	void whenTasksChangedThenTheLatestAreNewestFirstAndNoMoreThanAsked() {
		for (int i = 0; i < 10; i++) {
			write("t-" + i, "dispatched", "add", "1@api", T.minusSeconds(20 - i));
		}
		// t-3 changes last
		write("t-3", "succeeded", "add", "2@worker", T);
		assertThat(this.events.latest(4)).extracting(TaskState::taskId).containsExactly("t-3", "t-9", "t-8", "t-7");
		assertThat(this.events.latest(500)).hasSize(10);
		assertThat(this.events.latest(1)).singleElement()
			.satisfies((state) -> assertThat(state.state()).isEqualTo(TaskEventType.SUCCEEDED));
	}

	@Test
	void whenEventsAreReadOutOfTimeOrderThenTheLatestAreStillNewestFirstByTheTimeOfTheirLatestEvent() {
		// as a first read goes, partition by partition: the newest task of one partition is
		// read before the older ones of the next
		write("t-2", "dispatched", "add", "1@api", T.minusSeconds(2));
		write("t-4", "succeeded", "add", "2@worker", T);
		write("t-1", "dispatched", "add", "1@api", T.minusSeconds(3));
		write("t-3", "dispatched", "add", "1@api", T.minusSeconds(1));
		write("t-1", "succeeded", "add", "2@worker", T.minusSeconds(1).plusMillis(500));
		assertThat(this.events.latest(10)).extracting(TaskState::taskId).containsExactly("t-4", "t-1", "t-3", "t-2");
	}

	@Test
	void whenMoreTasksThanItKeepsChangedThenTheLatestAreTheOnesKept() {
		for (int i = 0; i < 150; i++) {
			write("t-" + i, "dispatched", "add", "1@api", T);
		}
		assertThat(this.events.latest(1000)).hasSize(100)
			.first()
			.satisfies((state) -> assertThat(state.taskId()).isEqualTo("t-149"));
	}

	@Test
	void whenEventsWereReadThenTheActivityCountsThoseOfTheLastMinute() {
		write("t-1", "dispatched", "add", "1@api", T.minusSeconds(2));
		write("t-1", "started", "add", "2@worker", T.minusSeconds(1));
		write("t-1", "succeeded", "add", "2@worker", T);
		write("t-0", "succeeded", "add", "2@worker", T.minus(Duration.ofMinutes(2)));
		TaskActivity activity = this.events.activity();
		assertThat(activity.tasks()).singleElement().satisfies((add) -> {
			assertThat(add.task()).isEqualTo("add");
			assertThat(add.counts()).containsOnly(Map.entry(TaskEventType.DISPATCHED, 1L),
					Map.entry(TaskEventType.STARTED, 1L), Map.entry(TaskEventType.SUCCEEDED, 1L));
		});
		assertThat(activity.workers()).extracting(TaskActivity.Instance::name).containsExactly("1@api", "2@worker");
	}

	@Test
	void whenEventIsWrittenThenItsJsonIsTheBytesOfItsTree() {
		JsonMapper mapper = new JsonMapper();
		List<TaskEvent> events = List.of(
				new TaskEvent("t-1", TaskEventType.DISPATCHED, "add", "default", "kafka", "1@api", T, 0, null, null, null,
						"{\"args\":[1,2],\"kwargs\":{}}"),
				new TaskEvent("t-1", TaskEventType.SUCCEEDED, "add", "default", "kafka", "2@worker", T.plusMillis(5), 1,
						"3", null, null, null),
				new TaskEvent("t-2", TaskEventType.DEAD_LETTERED, "t\u00e9\n\"x\"", "q\u0000", "rabbitmq",
						"3@w\ud83d\ude00", Instant.EPOCH.minusMillis(1), Integer.MAX_VALUE, null,
						"java.lang.IllegalStateException: \u2028\\", "invalid-arguments", null),
				new TaskEvent("t-3", TaskEventType.STARTED, "add", "remote", "kafka", "east-1\u00e9", "2@worker", T, 2,
						null, null, null, null));
		for (TaskEvent event : events) {
			ObjectNode tree = mapper.createObjectNode()
				.put("type", event.type().code())
				.put("task", event.task())
				.put("queue", event.queue())
				.put("backend", event.backend());
			if (!event.cluster().equals("default")) {
				// only an event of a named cluster says which: the bytes of the others are as before
				tree.put("cluster", event.cluster());
			}
			tree.put("worker", event.worker())
				.put("at", event.at().toEpochMilli())
				.put("attempt", event.attempt());
			if (event.result() != null) {
				tree.put("result", event.result());
			}
			if (event.error() != null) {
				tree.put("error", event.error());
			}
			if (event.reason() != null) {
				tree.put("reason", event.reason());
			}
			if (event.arguments() != null) {
				tree.put("arguments", event.arguments());
			}
			assertThat(this.events.encode(event)).isEqualTo(mapper.writeValueAsBytes(tree));
		}
	}

	@Test
	void whenEventsAreWrittenThenEachGoesToTheTopicOfItsClusterAndAnUnknownClustersToTheDefaultOne() {
		addEast();
		this.events.publish(event("t-1", "default"));
		this.events.publish(event("t-2", "east"));
		this.events.publish(event("t-3", "west"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.producer.history()).hasSize(2));
		assertThat(this.producer.history()).extracting(ProducerRecord::key).containsExactly("t-1", "t-3");
		assertThat(this.producer.history()).extracting(ProducerRecord::topic).containsOnly(TOPIC);
		assertThat(new String(this.producer.history().get(1).value(), StandardCharsets.UTF_8))
			.as("the event of a cluster unknown here keeps its cluster")
			.contains("\"cluster\":\"west\"");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.eastProducer.history()).singleElement().satisfies((record) -> {
				assertThat(record.key()).isEqualTo("t-2");
				assertThat(record.topic()).isEqualTo(TOPIC);
			}));
		assertThat(this.events.failedWrites()).isZero();
	}

	@Test
	void whenTasksOfSeveralClustersHaveEventsThenTheirStatesAndTheLatestComeFromEveryClustersTopic() {
		write("t-1", "dispatched", "add", "1@api", T.minusSeconds(3));
		write("t-1", "succeeded", "add", "2@worker", T.minusSeconds(2));
		write(this.eastLog, "t-2", "{\"cluster\":\"east\",", "succeeded", "2@east", T.minusSeconds(1));
		// as an event of east without its cluster: that of the topic it was read from
		write(this.eastLog, "t-3", "{", "started", "2@east", T);
		addEast();
		assertThat(this.events.state("t-1")).hasValueSatisfying((state) -> {
			assertThat(state.state()).isEqualTo(TaskEventType.SUCCEEDED);
			assertThat(state.history()).extracting(TaskEvent::cluster).containsOnly("default");
		});
		assertThat(this.events.state("t-2")).hasValueSatisfying((state) -> {
			assertThat(state.state()).isEqualTo(TaskEventType.SUCCEEDED);
			assertThat(state.worker()).isEqualTo("2@east");
			assertThat(state.history()).extracting(TaskEvent::cluster).containsOnly("east");
		});
		assertThat(this.events.state("t-3")).hasValueSatisfying(
				(state) -> assertThat(state.history()).extracting(TaskEvent::cluster).containsOnly("east"));
		assertThat(this.events.latest(10)).extracting(TaskState::taskId).containsExactly("t-3", "t-2", "t-1");
		assertThat(this.events.activity().workers()).extracting(TaskActivity.Instance::name)
			.contains("2@worker", "2@east");
		assertThat(this.events.clusters()).containsExactly("default", "east");
	}

	@Test
	void whenANamedClusterIsDownThenTheDefaultOnesTasksAreToldAndOnlyTheFirstQuestionWaitsForIt() {
		write("t-1", "succeeded", "add", "2@worker", T);
		this.events.addCluster("down", new KafkaTemplate<>(new MockProducerFactory<>(() -> this.eastProducer)),
				new MockConsumerFactory<>(() -> {
					throw new KafkaException("cluster 'down' does not answer");
				}));
		long started = System.nanoTime();
		assertThat(this.events.state("t-1")).hasValueSatisfying(
				(state) -> assertThat(state.state()).isEqualTo(TaskEventType.SUCCEEDED));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the first question waits for it, boundedly")
			.isLessThan(Duration.ofSeconds(8));
		started = System.nanoTime();
		assertThat(this.events.latest(10)).extracting(TaskState::taskId).containsExactly("t-1");
		assertThat(this.events.state("t-2")).isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("later questions do not")
			.isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void whenANamedClustersWritesHangThenTheDefaultClustersEventsAreStillWritten() throws Exception {
		CountDownLatch hung = new CountDownLatch(1);
		MockProducer<String, byte[]> hanging = new StayingOpen() {

			@Override
			public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
				try {
					// as a send to a cluster that is down waits for its metadata (max.block.ms)
					hung.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return super.send(record, callback);
			}

		};
		this.events.addCluster("east", new KafkaTemplate<>(new MockProducerFactory<>(() -> hanging)),
				new MockConsumerFactory<>(() -> consumer(this.eastLog)));
		try {
			this.events.publish(event("t-1", "east"));
			this.events.publish(event("t-2", "default"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.producer.history()).extracting(ProducerRecord::key)
					.containsExactly("t-2"));
		}
		finally {
			hung.countDown();
		}
	}

	private void addEast() {
		this.events.addCluster("east", new KafkaTemplate<>(new MockProducerFactory<>(() -> this.eastProducer)),
				new MockConsumerFactory<>(() -> consumer(this.eastLog)));
	}

	private static TaskEvent event(String taskId, String cluster) {
		return new TaskEvent(taskId, TaskEventType.DISPATCHED, "add", "default", "kafka", cluster, "1@api", T, 0, null,
				null, null, null);
	}

	private void write(String taskId, String type, String task, String worker, Instant at) {
		String json = "{\"type\":\"" + type + "\",\"task\":\"" + task + "\",\"queue\":\"default\","
				+ "\"backend\":\"kafka\",\"worker\":\"" + worker + "\",\"at\":" + at.toEpochMilli() + ",\"attempt\":1}";
		this.log.add(new ConsumerRecord<>(TOPIC, 0, this.log.size(), taskId, json.getBytes(StandardCharsets.UTF_8)));
	}

	private static void write(List<ConsumerRecord<String, byte[]>> log, String taskId, String start, String type,
			String worker, Instant at) {
		String json = start + "\"type\":\"" + type + "\",\"task\":\"add\",\"queue\":\"remote\","
				+ "\"backend\":\"kafka\",\"worker\":\"" + worker + "\",\"at\":" + at.toEpochMilli() + ",\"attempt\":1}";
		log.add(new ConsumerRecord<>(TOPIC, 0, log.size(), taskId, json.getBytes(StandardCharsets.UTF_8)));
	}

	private MockConsumer<String, byte[]> consumer(List<ConsumerRecord<String, byte[]>> log) {
		MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {

			@Override
			public synchronized void assign(Collection<TopicPartition> partitions) {
				super.assign(partitions);
				log.forEach(this::addRecord);
			}

			@Override
			public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
					Map<TopicPartition, Long> timestamps) {
				// the whole topic is within the read-back
				Map<TopicPartition, OffsetAndTimestamp> offsets = new HashMap<>();
				timestamps.forEach((partition, time) -> offsets.put(partition, new OffsetAndTimestamp(0, time)));
				return offsets;
			}

		};
		consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, new Node(0, "localhost", 9092), null, null)));
		consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
		consumer.updateEndOffsets(Map.of(PARTITION, (long) log.size()));
		return consumer;
	}

	/**
	 * A producer that a {@link KafkaTemplate} does not close after each send, as it does not
	 * close those of a {@code DefaultKafkaProducerFactory}.
	 */
	private static class StayingOpen extends MockProducer<String, byte[]> {

		StayingOpen() {
			super(true, null, new StringSerializer(), new ByteArraySerializer());
		}

		@Override
		public void close() {
		}

		@Override
		public void close(Duration timeout) {
		}

	}

}
