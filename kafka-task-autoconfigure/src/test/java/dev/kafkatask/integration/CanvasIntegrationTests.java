package dev.kafkatask.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.canvas.Canvas;
import dev.kafkatask.canvas.CanvasHeaders;
import dev.kafkatask.canvas.CanvasReceipt;
import dev.kafkatask.canvas.Signature;
import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.kafka.ClusterTopics;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskContext;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Celery's canvas on the real broker: a chain passes each result on and stops at a failure
 * (its error link runs), a group runs every member once, a chord calls back once with every
 * result in order, also when its members finish on two instances and one of them stops
 * mid-way, and a failed member runs the callback's error link instead. Malformed or
 * forbidden canvases in a record are dead-lettered without running the task.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class CanvasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final TaskApplications apps = new TaskApplications();

	/**
	 * The calls of the running test: the tasks of its applications write here.
	 */
	private static volatile CanvasCalls current = new CanvasCalls();

	private final CanvasCalls calls = new CanvasCalls();

	CanvasIntegrationTests() {
		current = this.calls;
	}

	@Test
	void whenAChainOfThreeRunsThenEachResultIsPassedOn() throws Exception {
		try (ConfigurableApplicationContext app = start()) {
			CanvasReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch(Canvas.chain(Signature.of("canvas.add", 2, 2), Signature.of("canvas.mul", 4),
						Signature.of("canvas.collect", "chain")))
				.get();
			assertThat(receipt.taskIds()).hasSize(3).doesNotHaveDuplicates();
			assertThat(receipt.id()).isEqualTo(receipt.taskIds().get(2));
			assertThat(receipt.sent()).hasSize(1);
			await().atMost(TIMEOUT).until(() -> this.calls.collected("chain").size() == 1);
			Call last = this.calls.collected("chain").peek();
			assertThat(last.value()).isEqualTo(16);
			assertThat(last.taskId()).isEqualTo(receipt.id());
			assertThat(this.calls.ids("canvas.add")).containsExactly(receipt.taskIds().get(0));
			assertThat(this.calls.ids("canvas.mul")).containsExactly(receipt.taskIds().get(1));
		}
	}

	@Test
	void whenASignatureIsImmutableOrLinkedThenItGetsWhatItAskedFor() throws Exception {
		try (ConfigurableApplicationContext app = start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch(Canvas.chain(Signature.of("canvas.add", 1, 1),
					Signature.of("canvas.collect", 99, "immutable").immutable())).get();
			dispatcher.dispatch(Signature.of("canvas.add", 1, 2).link(Signature.of("canvas.collect", "linked"))).get();
			await().atMost(TIMEOUT).until(() -> this.calls.collected("immutable").size() == 1
					&& this.calls.collected("linked").size() == 1);
			assertThat(this.calls.collected("immutable").peek().value()).isEqualTo(99);
			assertThat(this.calls.collected("linked").peek().value()).isEqualTo(3);
		}
	}

	@Test
	void whenAMemberOfAChainFailsThenItsErrorLinkRunsAndTheRestDoesNot() throws Exception {
		try (ConfigurableApplicationContext app = start()) {
			CanvasReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch(Canvas.chain(Signature.of("canvas.add", 1, 1), Signature.of("canvas.fail", "boom").immutable(),
						Signature.of("canvas.collect", "never"))
					.linkError(Signature.of("canvas.on-error", "chain")))
				.get();
			await().atMost(TIMEOUT).until(() -> this.calls.errors("chain").size() == 1);
			Call error = this.calls.errors("chain").peek();
			assertThat(error.value()).isEqualTo(receipt.taskIds().get(1));
			assertThat(error.headers()).containsEntry(CanvasHeaders.FAILED_TASK, receipt.taskIds().get(1));
			assertThat(error.headers().get(CanvasHeaders.ERROR)).contains("IllegalStateException").contains("boom");
			// the next task would have been dispatched before the error link was: none was
			assertThat(this.calls.collected("never")).isEmpty();
			assertThat(this.calls.ids("canvas.add")).containsExactly(receipt.taskIds().get(0));
			// a member that cannot even be run (its arguments do not fit) fails the chain too
			CanvasReceipt refused = app.getBean(TaskDispatcher.class)
				.dispatch(Canvas.chain(Signature.of("canvas.add", 1, 1), Signature.of("canvas.fail", "boom"),
						Signature.of("canvas.collect", "never"))
					.linkError(Signature.of("canvas.on-error", "refused")))
				.get();
			await().atMost(TIMEOUT).until(() -> this.calls.errors("refused").size() == 1);
			assertThat(this.calls.errors("refused").peek().value()).isEqualTo(refused.taskIds().get(1));
			assertThat(this.calls.errors("refused").peek().headers().get(CanvasHeaders.ERROR))
				.contains("ArgumentBindingException");
			assertThat(this.calls.collected("never")).isEmpty();
		}
	}

	@Test
	void whenAGroupOfAHundredIsDispatchedThenEachMemberRunsOnce() throws Exception {
		try (ConfigurableApplicationContext app = start()) {
			List<Signature> squares = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				squares.add(Signature.of("canvas.square", i, "group"));
			}
			CanvasReceipt receipt = app.getBean(TaskDispatcher.class).dispatch(Canvas.group(squares)).get();
			assertThat(receipt.groupId()).isNotNull();
			assertThat(receipt.sent()).hasSize(100);
			await().atMost(TIMEOUT).until(() -> this.calls.ids("canvas.square").size() == 100);
			assertThat(this.calls.ids("canvas.square")).containsExactlyInAnyOrderElementsOf(receipt.taskIds());
		}
	}

	@Test
	void whenAChordOfAHundredFinishesOnTwoInstancesOneStoppingMidwayThenItCallsBackOnceWithAllResultsInOrder()
			throws Exception {
		ConfigurableApplicationContext first = start();
		try (ConfigurableApplicationContext second = start()) {
			List<Signature> squares = new ArrayList<>();
			List<Integer> expected = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				squares.add(Signature.of("canvas.slow-square", i));
				expected.add(i * i);
			}
			CanvasReceipt receipt = second.getBean(TaskDispatcher.class)
				.dispatch(Canvas.chord(Canvas.group(squares), Signature.of("canvas.sum", "chord")))
				.get();
			assertThat(receipt.taskIds()).hasSize(101);
			await().atMost(TIMEOUT).until(() -> this.calls.ids("canvas.slow-square").size() >= 30);
			first.close();
			await().atMost(TIMEOUT).until(() -> this.calls.callbacks("chord").size() == 1);
			Call callback = this.calls.callbacks("chord").peek();
			assertThat(callback.value()).isEqualTo(expected);
			assertThat(callback.taskId()).isEqualTo(receipt.id());
			// a second start of the callback would come within the joiner's next polls
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
				.until(() -> this.calls.callbacks("chord").size() == 1);
		}
		finally {
			first.close();
		}
	}

	@Test
	void whenAChordsCallbackIsRoutedToAnotherClusterThenItRunsThereOnce() throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = start("kafka-task.kafka.clusters.east.bootstrap-servers=" + east,
				"kafka-task.worker.clusters=default,east", "kafka-task.routing.tasks.[canvas.sum].cluster=east")) {
			await().atMost(TIMEOUT).until(() -> app.getBean(ClusterTopics.class).isCreated("east", "default"));
			List<Signature> squares = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				squares.add(Signature.of("canvas.square", i, "east"));
			}
			CanvasReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch(Canvas.chord(Canvas.group(squares), Signature.of("canvas.sum", "east")))
				.get();
			// the joiner's transaction writes it on the default cluster, due at once; the
			// delay forwarder moves it to where the callback's task is routed
			await().atMost(TIMEOUT).until(() -> this.calls.callbacks("east").size() == 1);
			assertThat(this.calls.callbacks("east").peek().value()).isEqualTo(List.of(0, 1, 4, 9, 16));
			assertThat(this.calls.callbacks("east").peek().taskId()).isEqualTo(receipt.id());
			assertThat(TopicOffsets.records(east, this.apps.topic("default"))).isEqualTo(1);
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.topic("default"))).as("the members")
				.isEqualTo(5);
		}
	}

	@Test
	void whenAMemberOfAChordFailsThenTheCallbacksErrorLinkRunsInstead() throws Exception {
		try (ConfigurableApplicationContext app = start()) {
			List<Signature> members = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				members.add((i == 3) ? Signature.of("canvas.fail", "member") : Signature.of("canvas.square", i, "x"));
			}
			CanvasReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch(Canvas.chord(Canvas.group(members),
						Signature.of("canvas.sum", "failed-chord").linkError(Signature.of("canvas.on-error", "chord"))))
				.get();
			await().atMost(TIMEOUT).until(() -> this.calls.errors("chord").size() == 1);
			Call error = this.calls.errors("chord").peek();
			assertThat(error.value()).isEqualTo(receipt.id());
			assertThat(error.headers()).containsEntry(CanvasHeaders.FAILED_TASK, receipt.taskIds().get(3));
			assertThat(error.headers().get(CanvasHeaders.ERROR)).contains("boom").contains("member");
			assertThat(this.calls.callbacks("failed-chord")).isEmpty();
		}
	}

	@Test
	void whenARecordCarriesAMalformedOrForbiddenCanvasThenItIsDeadLetteredUnrun() throws Exception {
		try (ConfigurableApplicationContext app = start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("canvas.collect", List.of(1, "malformed"), Map.of(),
					TaskOptions.none().withOption("chain", "not a list of signatures")).get();
			dispatcher.dispatch("canvas.collect", List.of(2, "forbidden"), Map.of(),
					TaskOptions.none().withOption("link", List.of(Map.of("task", "canvas.collect", "args", List.of("x"),
							"options", Map.of("queue", "someone-elses"))))).get();
			dispatcher.dispatch("canvas.collect", List.of(3, "unknown-option"), Map.of(),
					TaskOptions.none().withOption("link", List.of(Map.of("task", "canvas.collect", "options",
							Map.of("no_such_option", 1))))).get();
			List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicRecords
				.readAll(this.apps.topic("default") + ".dlt", 3);
			assertThat(deadLetters).extracting((record) -> TopicRecords.header(record, TaskHeaders.DLT_REASON))
				.containsExactlyInAnyOrder("invalid-envelope", "forbidden-destination", "invalid-envelope");
			assertThat(this.calls.collected("malformed")).isEmpty();
			assertThat(this.calls.collected("forbidden")).isEmpty();
			assertThat(this.calls.collected("unknown-option")).isEmpty();
		}
	}

	@Test
	void whenATaskRecordIsWrittenInATransactionThatIsAbortedThenNoWorkerRunsIt() throws Exception {
		try (ConfigurableApplicationContext app = start("kafka-task.kafka.partitions=1")) {
			Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
					ProducerConfig.TRANSACTIONAL_ID_CONFIG, this.apps.prefix() + "aborted");
			try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
					new ByteArraySerializer())) {
				producer.initTransactions();
				producer.beginTransaction();
				producer.send(new ProducerRecord<>(this.apps.topic("default"), new EnvelopeCodec()
					.encode(new TaskEnvelope("aborted-1", "canvas.collect", List.of(NODES.numberNode(1),
							NODES.stringNode("aborted")), Map.of(), Map.of(), Map.of(), Instant.now(), 0))))
					.get();
				producer.abortTransaction();
			}
			app.getBean(TaskDispatcher.class).dispatch("canvas.collect", 2, "committed").get();
			await().atMost(TIMEOUT).until(() -> this.calls.collected("committed").size() == 1);
			// the aborted record, its abort marker and the committed one: all settled, one ran
			TopicPartition partition = new TopicPartition(this.apps.topic("default"), 0);
			await().atMost(TIMEOUT).until(() -> this.apps.unsettled(partition) == 0);
			assertThat(this.calls.collected("aborted")).isEmpty();
			// Spring Boot's default, which kafka-task's consumers do not take
			assertThat(app.getBean(KafkaProperties.class).buildConsumerProperties())
				.containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
		}
	}

	private ConfigurableApplicationContext start(String... properties) {
		return this.apps.start(new Class<?>[] { CanvasTestConfiguration.class }, properties);
	}

	record Call(String taskId, Object value, Map<String, String> headers) {
	}

	/**
	 * What the canvas tasks were called with, by label.
	 */
	static final class CanvasCalls {

		private final Map<String, Queue<Call>> byKey = new ConcurrentHashMap<>();

		void add(String key, Call call) {
			this.byKey.computeIfAbsent(key, (k) -> new ConcurrentLinkedQueue<>()).add(call);
		}

		Queue<Call> collected(String label) {
			return get("collect:" + label);
		}

		Queue<Call> callbacks(String label) {
			return get("sum:" + label);
		}

		Queue<Call> errors(String label) {
			return get("error:" + label);
		}

		List<String> ids(String task) {
			return get("task:" + task).stream().map(Call::taskId).toList();
		}

		private Queue<Call> get(String key) {
			return this.byKey.getOrDefault(key, new ConcurrentLinkedQueue<>());
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class CanvasTestConfiguration {

		@Bean
		CanvasTasks canvasTasks() {
			return new CanvasTasks(current);
		}

	}

	static class CanvasTasks {

		private final CanvasCalls calls;

		private final AtomicInteger slow = new AtomicInteger();

		CanvasTasks(CanvasCalls calls) {
			this.calls = calls;
		}

		@KafkaTask(name = "canvas.add")
		public int add(int a, int b, TaskContext context) {
			this.calls.add("task:canvas.add", new Call(context.id(), a + b, context.headers()));
			return a + b;
		}

		@KafkaTask(name = "canvas.mul")
		public int mul(int a, int b, TaskContext context) {
			this.calls.add("task:canvas.mul", new Call(context.id(), a * b, context.headers()));
			return a * b;
		}

		@KafkaTask(name = "canvas.square")
		public int square(int i, String label, TaskContext context) {
			this.calls.add("task:canvas.square", new Call(context.id(), i * i, context.headers()));
			return i * i;
		}

		@KafkaTask(name = "canvas.slow-square")
		public int slowSquare(int i, TaskContext context) throws InterruptedException {
			Thread.sleep(20 + this.slow.incrementAndGet() % 20);
			this.calls.add("task:canvas.slow-square", new Call(context.id(), i * i, context.headers()));
			return i * i;
		}

		@KafkaTask(name = "canvas.collect")
		public void collect(Object value, String label, TaskContext context) {
			this.calls.add("collect:" + label, new Call(context.id(), value, context.headers()));
		}

		@KafkaTask(name = "canvas.sum")
		public int sum(List<Integer> results, String label, TaskContext context) {
			this.calls.add("sum:" + label, new Call(context.id(), results, context.headers()));
			return results.stream().mapToInt(Integer::intValue).sum();
		}

		@KafkaTask(name = "canvas.fail")
		public void fail(String why) {
			throw new IllegalStateException("boom: " + why);
		}

		@KafkaTask(name = "canvas.on-error")
		public void onError(String failedTaskId, String label, TaskContext context) {
			this.calls.add("error:" + label, new Call(context.id(), failedTaskId, context.headers()));
		}

	}

}
