package dev.kafkatask.page;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of {@link TaskPageHandler}: the page and its two files with their content types,
 * the security headers of every answer, the endpoint's path and the writes named in the
 * page, and everything else refused.
 *
 * @author kafka-task
 */
class TaskPageHandlerTests {

	private final TaskPageHandler handler = new TaskPageHandler("/kafka-task", () -> "/actuator/kafkatasks",
			() -> false);

	@Test
	void whenThePageIsAskedForThenItIsHtmlNamingItsFilesAndTheEndpoint() throws Exception {
		MockHttpServletResponse response = get(this.handler, "/kafka-task");
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentType()).isEqualTo("text/html;charset=UTF-8");
		assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
		String html = response.getContentAsString(StandardCharsets.UTF_8);
		assertThat(html).contains("<link rel=\"stylesheet\" href=\"/kafka-task/task-page.css\">")
			.contains("<script src=\"/kafka-task/task-page.js\" defer></script>")
			.contains("data-api=\"/actuator/kafkatasks\"")
			.contains("data-writes=\"read-only\"")
			.doesNotContain("{{");
		assertThat(html).as("no inline script").doesNotContainPattern("<script>|<script [^>]*>[^<]+</script>|\\son[a-z]+=");
		assertThat(get(this.handler, "/kafka-task/").getContentAsString(StandardCharsets.UTF_8)).isEqualTo(html);
	}

	@Test
	void whenTheScriptAndStyleSheetAreAskedForThenTheyHaveTheirContentTypes() throws Exception {
		MockHttpServletResponse script = get(this.handler, "/kafka-task/task-page.js");
		assertThat(script.getStatus()).isEqualTo(200);
		assertThat(script.getContentType()).isEqualTo("text/javascript;charset=UTF-8");
		assertThat(script.getHeader("Cache-Control")).isEqualTo("no-cache");
		assertThat(script.getContentAsString(StandardCharsets.UTF_8)).contains("createTextNode")
			.doesNotContain("innerHTML")
			.doesNotContain("insertAdjacentHTML")
			.doesNotContain("document.write")
			.doesNotContain("eval(");
		MockHttpServletResponse style = get(this.handler, "/kafka-task/task-page.css");
		assertThat(style.getStatus()).isEqualTo(200);
		assertThat(style.getContentType()).isEqualTo("text/css;charset=UTF-8");
		assertThat(style.getContentLength()).isPositive();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/kafka-task", "/kafka-task/task-page.js", "/kafka-task/nope", "/kafka-task/../x" })
	void whenAnythingIsAnsweredThenItForbidsSniffingFramingAndScriptFromElsewhere(String path) throws Exception {
		MockHttpServletResponse response = get(this.handler, path);
		assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(response.getHeader("Content-Security-Policy")).startsWith("default-src 'self'; script-src 'self';")
			.contains("frame-ancestors 'none'")
			.doesNotContain("unsafe");
		assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
		assertThat(response.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/kafka-task/nope.js", "/kafka-task/task-page.html", "/kafka-task/../application.yml",
			"/kafka-task/task-page.js/../../application.yml", "/kafka-task/%2e%2e/%2e%2e/application.yml",
			"/kafka-task/..%2fapplication.yml", "/kafka-task/dev/kafkatask/page/task-page.js",
			"/kafka-task//task-page.js", "/kafka-task/TASK-PAGE.JS", "/kafka-taskx" })
	void whenAnythingElseIsAskedForThenItIsNotFound(String path) throws Exception {
		MockHttpServletResponse response = get(this.handler, path);
		assertThat(response.getStatus()).isEqualTo(404);
		assertThat(response.getContentType()).isEqualTo("text/plain;charset=UTF-8");
		assertThat(response.getContentAsString()).doesNotContain("<");
	}

	@Test
	void whenThePageIsAskedForWithHeadThenOnlyItsHeadersAreSent() throws Exception {
		MockHttpServletRequest request = request("HEAD", "/kafka-task/task-page.js");
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.handler.handleRequest(request, response);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentLength()).isPositive();
		assertThat(response.getContentAsByteArray()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "PUT", "DELETE", "PATCH" })
	void whenThePageIsWrittenToThenItIsNotAllowed(String method) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.handler.handleRequest(request(method, "/kafka-task"), response);
		assertThat(response.getStatus()).isEqualTo(405);
		assertThat(response.getHeader("Allow")).isEqualTo("GET, HEAD");
		assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
	}

	@Test
	void whenTheApplicationHasAContextAndServletPathThenThePageNamesItsFilesAndTheEndpointUnderThem()
			throws Exception {
		TaskPageHandler moved = new TaskPageHandler("/ops/tasks", () -> "/manage/kafkatasks", () -> true);
		MockHttpServletRequest request = request("GET", "/shop/api/ops/tasks");
		request.setContextPath("/shop");
		request.setServletPath("/api");
		request.setPathInfo("/ops/tasks");
		MockHttpServletResponse response = new MockHttpServletResponse();
		moved.handleRequest(request, response);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString(StandardCharsets.UTF_8))
			.contains("href=\"/shop/api/ops/tasks/task-page.css\"")
			.contains("data-api=\"/shop/api/manage/kafkatasks\"")
			.contains("data-writes=\"open\"");
	}

	@Test
	void whenTheEndpointIsNotExposedThenThePageNamesNoEndpoint() throws Exception {
		TaskPageHandler unexposed = new TaskPageHandler("/kafka-task", () -> null, () -> false);
		assertThat(get(unexposed, "/kafka-task").getContentAsString(StandardCharsets.UTF_8)).contains("data-api=\"\"");
	}

	@Test
	void whenTheEndpointPathHasMarkupThenThePageEscapesIt() throws Exception {
		TaskPageHandler odd = new TaskPageHandler("/kafka-task", () -> "/a\"><script>alert(1)</script>", () -> false);
		assertThat(get(odd, "/kafka-task").getContentAsString(StandardCharsets.UTF_8))
			.contains("data-api=\"/a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"")
			.doesNotContain("<script>alert");
	}

	@Test
	void whenThePathIsBadThenTheHandlerIsNotCreated() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TaskPageHandler("/../actuator", () -> "/actuator/kafkatasks", () -> false))
			.withMessageContaining("'.' or '..'");
	}

	private static MockHttpServletResponse get(TaskPageHandler handler, String path) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		handler.handleRequest(request("GET", path), response);
		return response;
	}

	private static MockHttpServletRequest request(String method, String path) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, path);
		request.setServletPath(path);
		return request;
	}

}
