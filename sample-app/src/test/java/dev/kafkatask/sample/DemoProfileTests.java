package dev.kafkatask.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the {@code demo} profile, routes change over HTTP.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@ActiveProfiles("demo")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "kafka-task.kafka.topic-prefix=sample-demo-test.", "kafka-task.worker.group-id=sample-demo-test" })
class DemoProfileTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private TaskRouter router;

	@Test
	void whenRouteIsPostedThenTheNextDispatchFollowsIt() throws Exception {
		assertThat(this.router.route("py.add", "python", "id", null).backend()).isEqualTo(Backend.RABBITMQ);
		HttpResponse<String> changed = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/kafkatasks/queue/python"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"backend\": \"kafka\"}"))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(changed.statusCode()).isEqualTo(200);
		assertThat(changed.body()).contains("\"python\":{\"backend\":\"kafka\"");
		assertThat(this.router.route("py.add", "python", "id", null).backend()).isEqualTo(Backend.KAFKA);
	}

}
