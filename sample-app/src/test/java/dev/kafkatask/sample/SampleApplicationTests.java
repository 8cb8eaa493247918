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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests the sample application over HTTP, on the shared test broker.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "kafka-task.kafka.topic-prefix=sample-test.", "kafka-task.worker.group-id=sample-test" })
class SampleApplicationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private OrderReceiptTasks receipts;

	@Autowired
	private LedgerTasks ledger;

	@Test
	void whenOrdersAreDispatchedThenReceiptsAndLedgerTasksRunAndShowInPrometheus() throws Exception {
		HttpResponse<String> dispatched = post("/demo/dispatch?count=5");
		assertThat(dispatched.statusCode()).isEqualTo(200);
		assertThat(dispatched.body()).contains("\"dispatched\":10").contains("\"topic\":\"sample-test.orders\"");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.receipts.sent() == 5);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.ledger.totals().containsKey("revenue"));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			String prometheus = get("/actuator/prometheus").body();
			assertThat(prometheus).containsPattern(
					"kafka_task_executions_total\\{[^}]*outcome=\"success\"[^}]*task=\"orders.send-receipt\"[^}]*} 5.0");
			assertThat(prometheus).containsPattern(
					"kafka_task_dispatched_total\\{[^}]*queue=\"ledger\"[^}]*task=\"ledger.record\"[^}]*} 5.0");
			assertThat(prometheus).contains("kafka_task_execution_time_seconds_bucket");
			assertThat(prometheus).contains("kafka_task_in_flight{");
		});
		assertThat(get("/demo/status").body()).contains("\"receiptsSent\":5");
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

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
