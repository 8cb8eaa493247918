package dev.kafkatask.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the {@code demo} profile, routes and consumers change over HTTP; health shows every
 * kafka-task contributor. Each test puts back what it changed. The context is closed after
 * the class, so that its RabbitMQ consumer of queue {@code celery} does not take the
 * messages of {@link SampleApplicationIntegrationTests}.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@ActiveProfiles("demo")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "kafka-task.kafka.topic-prefix=sample-demo-test.", "kafka-task.worker.group-id=sample-demo-test" })
@DirtiesContext
class DemoProfileIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	private int port;

	@Autowired
	private TaskRouter router;

	@Test
	void whenRouteIsPostedThenTheNextDispatchFollowsIt() throws Exception {
		assertThat(this.router.route("py.add", "python", "id", null).backend()).isEqualTo(Backend.RABBITMQ);
		try {
			HttpResponse<String> changed = post("/actuator/kafkatasks/queue/python", "{\"backend\": \"kafka\"}");
			assertThat(changed.statusCode()).isEqualTo(200);
			assertThat(changed.body()).contains("\"python\":{\"backend\":\"kafka\"");
			assertThat(this.router.route("py.add", "python", "id", null).backend()).isEqualTo(Backend.KAFKA);
		}
		finally {
			post("/actuator/kafkatasks/queue/python", "{\"backend\": \"rabbitmq\"}");
		}
		assertThat(this.router.route("py.add", "python", "id", null).backend()).isEqualTo(Backend.RABBITMQ);
	}

	@Test
	void whenCeleryQueueIsRoutedToKafkaOverHttpThenTheRouteReadsBackChanged() throws Exception {
		assertThat(route("celery").path("backend").asString()).isEqualTo("rabbitmq");
		try {
			HttpResponse<String> changed = post("/actuator/kafkatasks/queue/celery", "{\"backend\": \"kafka\"}");
			assertThat(changed.statusCode()).isEqualTo(200);
			assertThat(route("celery").path("backend").asString()).isEqualTo("kafka");
		}
		finally {
			post("/actuator/kafkatasks/queue/celery", "{\"backend\": \"rabbitmq\"}");
		}
		assertThat(route("celery").path("backend").asString()).isEqualTo("rabbitmq");
	}

	@Test
	void whenKafkaConsumerIsPausedAndResumedOverHttpThenItsStateFollows() throws Exception {
		assertThat(consumerState("kafka", "default")).isEqualTo("running");
		try {
			HttpResponse<String> paused = post("/actuator/kafkatasks/kafka/default/pause");
			assertThat(paused.statusCode()).isEqualTo(200);
			assertThat(this.json.readTree(paused.body()).path("state").asString()).isEqualTo("paused");
			assertThat(consumerState("kafka", "default")).isEqualTo("paused");
			HttpResponse<String> resumed = post("/actuator/kafkatasks/kafka/default/resume");
			assertThat(resumed.statusCode()).isEqualTo(200);
			assertThat(this.json.readTree(resumed.body()).path("state").asString()).isEqualTo("running");
			// the same consumer, named with its cluster
			HttpResponse<String> pausedOnCluster = post("/actuator/kafkatasks/kafka/default/default/pause");
			assertThat(pausedOnCluster.statusCode()).isEqualTo(200);
			assertThat(this.json.readTree(pausedOnCluster.body()).path("cluster").asString()).isEqualTo("default");
			assertThat(consumerState("kafka", "default")).isEqualTo("paused");
			assertThat(post("/actuator/kafkatasks/kafka/east/default/pause").statusCode()).as("a cluster not consumed")
				.isEqualTo(400);
		}
		finally {
			post("/actuator/kafkatasks/kafka/default/resume");
		}
		assertThat(consumerState("kafka", "default")).isEqualTo("running");
	}

	@Test
	void whenHealthIsReadThenItListsTheKafkaTaskContributorsWithTheirDetails() {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			HttpResponse<String> response = get("/actuator/health");
			JsonNode kafkaTask = this.json.readTree(response.body()).path("components").path("kafkaTask");
			assertThat(kafkaTask.path("status").asString()).isEqualTo("UP");
			JsonNode components = kafkaTask.path("components");
			assertThat(components.path("worker").path("status").asString()).isEqualTo("UP");
			assertThat(components.path("delays").path("status").asString()).isEqualTo("UP");
			JsonNode kafka = components.path("kafka");
			assertThat(kafka.path("status").asString()).isEqualTo("UP");
			assertThat(kafka.path("details").path("clusterId").asString()).isNotBlank();
			assertThat(kafka.path("details").path("nodes").asInt()).isGreaterThanOrEqualTo(1);
			JsonNode rabbit = components.path("rabbit");
			assertThat(rabbit.path("status").asString()).isEqualTo("UP");
			assertThat(rabbit.path("details").path("version").asString()).isNotBlank();
			JsonNode celery = components.path("rabbitConsumers").path("components").path("celery");
			assertThat(celery.path("status").asString()).isEqualTo("UP");
			assertThat(celery.path("details").path("state").asString()).isEqualTo("running");
			assertThat(celery.path("details").path("activeConsumers").asInt()).isPositive();
		});
	}

	@Test
	void whenWritesAreOpenThenTheTaskPageSaysSoAndARedriveOverHttpAnswers() throws Exception {
		HttpResponse<String> page = get("/kafka-task");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("data-writes=\"open\"").contains("data-api=\"/actuator/kafkatasks\"");
		HttpResponse<String> redrive = post("/actuator/kafkatasks/redrive/default", "{\"dryRun\": true}");
		assertThat(redrive.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(redrive.body()).path("dryRun").asBoolean()).isTrue();
		HttpResponse<String> refused = post("/actuator/kafkatasks/redrive/default", "{\"reason\": \"bogus\"}");
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(refused.body()).path("message").asString())
			.startsWith("Unknown dead-letter reason 'bogus'");
	}

	private JsonNode route(String queue) throws Exception {
		HttpResponse<String> response = get("/actuator/kafkatasks");
		assertThat(response.statusCode()).isEqualTo(200);
		return this.json.readTree(response.body()).path("routing").path("queues").path(queue);
	}

	private String consumerState(String backend, String queue) throws Exception {
		HttpResponse<String> response = get("/actuator/kafkatasks");
		assertThat(response.statusCode()).isEqualTo(200);
		for (JsonNode consumer : this.json.readTree(response.body()).path("consumers")) {
			if (consumer.path("backend").asString().equals(backend) && consumer.path("queue").asString().equals(queue)) {
				return consumer.path("state").asString();
			}
		}
		return null;
	}

	private HttpResponse<String> post(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
