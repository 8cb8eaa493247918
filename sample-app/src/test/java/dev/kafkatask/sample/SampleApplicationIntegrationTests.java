package dev.kafkatask.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.SharedRabbitMq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests the sample application over HTTP, on the shared test broker.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SharedRabbitMq
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "kafka-task.kafka.topic-prefix=sample-test.", "kafka-task.worker.group-id=sample-test" })
class SampleApplicationIntegrationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private OrderReceiptTasks receipts;

	@Autowired
	private LedgerTasks ledger;

	@Autowired
	private FailingTasks failing;

	@Autowired
	private TickTasks ticks;

	@Test
	void whenOrdersAreDispatchedThenReceiptsAndLedgerTasksRunAndShowInPrometheus() throws Exception {
		HttpResponse<String> dispatched = post("/demo/dispatch?count=5");
		assertThat(dispatched.statusCode()).isEqualTo(200);
		assertThat(dispatched.body()).contains("\"dispatched\":10").contains("\"destination\":\"sample-test.orders\"");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.receipts.sent() == 5);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.ledger.totals().containsKey("revenue"));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			String prometheus = get("/actuator/prometheus").body();
			assertThat(prometheus).containsPattern(
					"kafka_task_executions_total\\{[^}]*outcome=\"success\"[^}]*owner=\"team-orders\"[^}]*task=\"orders.send-receipt\"[^}]*} 5.0");
			assertThat(prometheus).containsPattern("kafka_task_partition_lag\\{[^}]*owner=\"team-orders\"[^}]*} 0.0");
			assertThat(prometheus).containsPattern("kafka_task_worker_stalled\\{[^}]*} 0.0");
			assertThat(prometheus).containsPattern(
					"kafka_task_dispatched_total\\{[^}]*queue=\"ledger\"[^}]*task=\"ledger.record\"[^}]*} 5.0");
			assertThat(prometheus).contains("kafka_task_execution_time_seconds_bucket");
			assertThat(prometheus).contains("kafka_task_in_flight{");
		});
		assertThat(get("/demo/status").body()).contains("\"receiptsSent\":5");
	}

	@Test
	void whenTheSampleRunsThenItsPeriodicTaskTicksAndTheEndpointShowsItsSchedule() throws Exception {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.ticks.ticks() >= 2);
		// the only instance leads
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/actuator/kafkatasks").body())
			.contains("\"name\":\"demo.tick\"")
			.contains("\"leader\":true"));
	}

	@Test
	void whenAChordIsDispatchedThenItsCallbackRunsOnceWithEverySquare() throws Exception {
		HttpResponse<String> sent = post("/demo/chord?size=20");
		assertThat(sent.statusCode()).isEqualTo(200);
		String callbackId = sent.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
		assertThat(sent.body()).contains("\"groupId\"");
		// 1 + 4 + ... + 400
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/demo/chords").body())
			.contains("{\"taskId\":\"" + callbackId + "\",\"squares\":20,\"total\":2870}"));
		assertThat(post("/demo/chord?size=0").statusCode()).isEqualTo(400);
	}

	@Test
	void whenTheRootIsAskedForThenItListsTheTasksAndWhatToTry() throws Exception {
		HttpResponse<String> index = get("/");
		assertThat(index.statusCode()).isEqualTo(200);
		assertThat(index.body()).contains("\"application\":\"kafka-task sample\"")
			.contains("{\"name\":\"orders.send-receipt\",\"queue\":\"orders\"}")
			.contains("POST /demo/dispatch");
	}

	@Test
	void whenEchoIsSentThenRabbitMqTakesItAndTheAppRunsIt() throws Exception {
		HttpResponse<String> sent = post("/demo/send/demo.echo",
				"{\"args\": [1, \"two\"], \"kwargs\": {\"three\": true}}");
		assertThat(sent.statusCode()).isEqualTo(200);
		assertThat(sent.body()).contains("\"backend\":\"rabbitmq\"").contains("\"destination\":\"celery\"");
		String taskId = sent.body().replaceAll(".*\"taskId\":\"([^\"]+)\".*", "$1");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/demo/echoes").body())
			.contains("\"taskId\":\"" + taskId + "\",\"backend\":\"rabbitmq\",\"queue\":\"celery\","
					+ "\"args\":[1,\"two\"],\"kwargs\":{\"three\":true}"));
	}

	@Test
	void whenEchoIsSentToAQueueWithoutRuleThenKafkaTakesIt() throws Exception {
		HttpResponse<String> sent = post("/demo/send/demo.echo", "{\"args\": [\"via-kafka\"], \"queue\": \"orders\"}");
		assertThat(sent.statusCode()).isEqualTo(200);
		assertThat(sent.body()).contains("\"backend\":\"kafka\"").contains("\"destination\":\"sample-test.orders\"");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/demo/echoes").body())
			.contains("\"backend\":\"kafka\",\"queue\":\"orders\",\"args\":[\"via-kafka\"]"));
	}

	@Test
	void whenDemoFailIsSentThenItIsRetriedThreeTimesWithBackoff() throws Exception {
		int before = this.failing.attempts();
		HttpResponse<String> sent = post("/demo/send/demo.fail", "{\"args\": [\"watch me\"], \"options\": {\"countdown\": 1}}");
		assertThat(sent.statusCode()).isEqualTo(200);
		assertThat(sent.body()).contains("\"backend\":\"kafka\"").contains("__delay.1s");
		// first run after ~1 s, retries after 1, 2 and 4 s
		await().atMost(Duration.ofSeconds(30)).until(() -> this.failing.attempts() - before == 4);
	}

	@Test
	void whenOptionIsUnknownThenSendIsRefusedNamingIt() throws Exception {
		HttpResponse<String> refused = post("/demo/send/demo.echo", "{\"options\": {\"compression\": \"gzip\"}}");
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("Task 'demo.echo' sets option(s) [compression] that rabbitmq does not support");
		HttpResponse<String> unknown = post("/demo/send/demo.echo", "{\"options\": {\"retries_max\": 1}}");
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(unknown.body()).contains("Unknown task option 'retries_max'");
	}

	@Test
	void whenDemoProfileIsOffThenRoutesCannotBeChangedOverHttp() throws Exception {
		assertThat(get("/actuator/kafkatasks").body()).contains("\"celery\":{\"backend\":\"rabbitmq\"");
		HttpResponse<String> refused = post("/actuator/kafkatasks/queue/celery", "{\"backend\": \"kafka\"}");
		assertThat(refused.statusCode()).isGreaterThanOrEqualTo(400);
		assertThat(get("/actuator/kafkatasks").body()).contains("\"celery\":{\"backend\":\"rabbitmq\"");
	}

	@Test
	void whenCountIsOutOfRangeThenDispatchIsRefused() throws Exception {
		HttpResponse<String> refused = post("/demo/dispatch?count=0");
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("count must be between 1 and 100000");
	}

	private HttpResponse<String> post(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
