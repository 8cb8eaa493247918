package dev.kafkatask.sample;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Loads the sample's task page in a real browser, headless Chromium: it shows the tasks
 * dispatched during the test by id, a task argument holding HTML as text (no element of
 * it), and a task's detail by id; the endpoint answers for each task. The screenshot it
 * takes, {@code target/task-page.png}, is the README's.
 * <p>
 * Skipped when {@code chromium} is not on the {@code PATH}, unless
 * {@code KAFKA_TASK_TEST_BROWSER_REQUIRED=true} (as {@code .ci/run} sets): then it fails.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "kafka-task.kafka.topic-prefix=sample-page-test.", "kafka-task.worker.group-id=sample-page-test" })
@DirtiesContext
class TaskPageBrowserIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String HTML_ARGUMENT = "<img src=x onerror=alert(1)><b>bold</b>";

	private static @Nullable String chromium;

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	private int port;

	@TempDir
	private Path temp;

	@BeforeAll
	static void findChromium() {
		chromium = onPath("chromium");
		if (chromium == null && "true".equals(System.getenv("KAFKA_TASK_TEST_BROWSER_REQUIRED"))) {
			fail("KAFKA_TASK_TEST_BROWSER_REQUIRED=true but 'chromium' is not on the PATH (Debian package"
					+ " 'chromium', which .ci/run installs)");
		}
		assumeThat(chromium).as("'chromium' on the PATH (Debian package 'chromium')").isNotNull();
	}

	@Test
	void whenTasksAreDispatchedThenThePageShowsThemByIdWithTheirHtmlAsText() throws Exception {
		List<String> ids = new ArrayList<>();
		ids.add(send("demo.fail", "{\"args\": [\"" + HTML_ARGUMENT + "\"]}"));
		ids.add(send("demo.square", "{\"args\": [7]}"));
		ids.add(send("demo.echo", "{\"args\": [\"page\"], \"kwargs\": {\"shown\": true}, \"queue\": \"orders\"}"));
		assertThat(post("/demo/dispatch?count=5", "").statusCode()).isEqualTo(200);
		for (String id : ids) {
			await().atMost(TIMEOUT).untilAsserted(() -> {
				HttpResponse<String> task = get("/actuator/kafkatasks/tasks/" + id);
				assertThat(task.statusCode()).as("GET /actuator/kafkatasks/tasks/" + id).isEqualTo(200);
				assertThat(this.json.readTree(task.body()).path("id").asString()).isEqualTo(id);
			});
		}
		String escaped = "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;bold&lt;/b&gt;";
		// opened on the failing task: its detail, history and revoke button too
		String page = "http://127.0.0.1:" + this.port + "/kafka-task#task=" + ids.get(0);
		String[] dom = new String[1];
		await().atMost(TIMEOUT).pollDelay(Duration.ZERO).untilAsserted(() -> {
			dom[0] = chromium("--dump-dom", page);
			assertThat(dom[0]).contains(ids).contains(escaped).contains("Revoke").contains("demo.square");
			// the task's arguments, from its dispatched event, as text
			assertThat(dom[0]).contains("{\"args\":[\"" + escaped + "\"],\"kwargs\":{}}");
		});
		assertThat(dom[0]).as("no element of the argument's HTML").doesNotContain("<b>bold").doesNotContain("<img");
		assertThat(dom[0]).contains("read-only").doesNotContain("The page failed to render");
		Path screenshot = Path.of("target", "task-page.png").toAbsolutePath();
		Files.deleteIfExists(screenshot);
		chromium("--screenshot=" + screenshot, "--window-size=1400,1000", "--hide-scrollbars", page);
		assertThat(screenshot).isNotEmptyFile();
	}

	@Test
	void whenThePageIsLoadedThenItsAnswersForbidInlineScriptAndSniffingAndBadInputIsRefusedSayingWhy() throws Exception {
		HttpResponse<String> page = get("/kafka-task");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
				(policy) -> assertThat(policy).startsWith("default-src 'self'; script-src 'self';"));
		assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
		assertThat(get("/kafka-task/../application.yml").statusCode()).isEqualTo(404);
		assertThat(get("/kafka-task/application.yml").statusCode()).isEqualTo(404);
		HttpResponse<String> badLimit = get("/actuator/kafkatasks/tasks?limit=0");
		assertThat(badLimit.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(badLimit.body()).path("message").asString())
			.isEqualTo("'limit' must be between 1 and 500: 0");
		HttpResponse<String> notANumber = get("/actuator/kafkatasks/tasks?limit=abc");
		assertThat(notANumber.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(notANumber.body()).path("message").asString())
			.isEqualTo("'limit' must be a whole number, not 'abc'");
		HttpResponse<String> badId = get("/actuator/kafkatasks/tasks/" + "x".repeat(201));
		assertThat(badId.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(badId.body()).path("message").asString())
			.isEqualTo("A task id has at most 200 characters, not 201");
		assertThat(post("/actuator/kafkatasks/redrive/default", "{\"dryRun\": true}").statusCode())
			.as("writes are not open in the sample without the demo profile")
			.isGreaterThanOrEqualTo(400);
	}

	/**
	 * Run headless Chromium on a profile of its own, and return what it printed.
	 */
	private String chromium(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
				"--user-data-dir=" + Files.createTempDirectory(this.temp, "chromium"), "--virtual-time-budget=4000"));
		command.addAll(List.of(arguments));
		Path output = Files.createTempFile(this.temp, "chromium", ".out");
		Process process = new ProcessBuilder(command).redirectErrorStream(false)
			.redirectOutput(output.toFile())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			fail("chromium did not finish within 30 s: " + command);
		}
		assertThat(process.exitValue()).as("exit code of " + command).isZero();
		return Files.readString(output, StandardCharsets.UTF_8);
	}

	private String send(String task, String body) throws Exception {
		HttpResponse<String> sent = post("/demo/send/" + task, body);
		assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
		return this.json.readTree(sent.body()).path("taskId").asString();
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
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static @Nullable String onPath(String program) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			File candidate = new File(directory, program);
			if (candidate.isFile() && candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

}
