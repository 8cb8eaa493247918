package dev.kafkatask.page;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.ParameterMappingException;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.server.ResponseStatusException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link EndpointBadRequestResolver}: the endpoint's 400s say why, as JSON;
 * anything else is left to Spring Boot.
 *
 * @author kafka-task
 */
class EndpointBadRequestResolverTests {

	private final EndpointBadRequestResolver resolver = new EndpointBadRequestResolver(() -> "/actuator/kafkatasks");

	@Test
	void whenTheEndpointRefusesARequestThenTheAnswerSaysWhyAsJson() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThat(this.resolver.resolveException(request("/actuator/kafkatasks/tasks"), response, null,
				new ResponseStatusException(HttpStatus.BAD_REQUEST, "'limit' must be between 1 and 500: 0")))
			.isNotNull();
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.getContentType()).isEqualTo("application/json");
		assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(response.getContentAsString(StandardCharsets.UTF_8)).isEqualTo("{\"status\":400,\"error\":"
				+ "\"Bad Request\",\"message\":\"'limit' must be between 1 and 500: 0\",\"path\":\"/actuator/kafkatasks/tasks\"}");
	}

	@Test
	void whenAParameterIsNotOfItsTypeThenTheAnswerNamesItAndWhatItMustBe() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.resolver.resolveException(request("/actuator/kafkatasks/tasks"), response, null,
				badRequest(new ParameterMappingException(parameter("limit", Integer.class), "abc",
						new NumberFormatException("For input string: \"abc\""))));
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.getContentAsString(StandardCharsets.UTF_8))
			.contains("\"message\":\"'limit' must be a whole number, not 'abc'\"");
		response = new MockHttpServletResponse();
		this.resolver.resolveException(request("/actuator/kafkatasks/redrive/default"), response, null,
				badRequest(new ParameterMappingException(parameter("dryRun", Boolean.class), "x".repeat(100), null)));
		assertThat(response.getContentAsString(StandardCharsets.UTF_8))
			.contains("\"message\":\"'dryRun' must be true or false, not '" + "x".repeat(64) + "...'\"");
	}

	@Test
	void whenTheReasonHoldsMarkupOrQuotesThenTheJsonEscapesIt() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.resolver.resolveException(request("/actuator/kafkatasks/deadletters/x"), response, null,
				new ResponseStatusException(HttpStatus.BAD_REQUEST, "Unknown queue '\"><b>'"));
		assertThat(response.getContentAsString(StandardCharsets.UTF_8))
			.contains("\"message\":\"Unknown queue '\\\"><b>'\"");
	}

	@Test
	void whenTheRequestIsNotTheEndpointsOrTheErrorIsNotA400WithAReasonThenBootHandlesIt() {
		assertThat(this.resolver.resolveException(request("/demo/send/x"), new MockHttpServletResponse(), null,
				new ResponseStatusException(HttpStatus.BAD_REQUEST, "no"))).isNull();
		assertThat(this.resolver.resolveException(request("/actuator/kafkatasksx"), new MockHttpServletResponse(),
				null, new ResponseStatusException(HttpStatus.BAD_REQUEST, "no"))).isNull();
		assertThat(this.resolver.resolveException(request("/actuator/kafkatasks"), new MockHttpServletResponse(), null,
				new ResponseStatusException(HttpStatus.NOT_FOUND, "no"))).isNull();
		assertThat(this.resolver.resolveException(request("/actuator/kafkatasks"), new MockHttpServletResponse(), null,
				new ResponseStatusException(HttpStatus.BAD_REQUEST))).isNull();
		assertThat(this.resolver.resolveException(request("/actuator/kafkatasks"), new MockHttpServletResponse(), null,
				new IllegalArgumentException("no"))).isNull();
		assertThat(new EndpointBadRequestResolver(() -> null).resolveException(request("/actuator/kafkatasks"),
				new MockHttpServletResponse(), null, new ResponseStatusException(HttpStatus.BAD_REQUEST, "no")))
			.isNull();
	}

	/**
	 * What Boot's web endpoint throws for an {@code InvalidEndpointRequestException}.
	 */
	private static ResponseStatusException badRequest(InvalidEndpointRequestException cause) {
		return new ResponseStatusException(HttpStatus.BAD_REQUEST, cause.getReason(), cause);
	}

	private static OperationParameter parameter(String name, Class<?> type) {
		return new OperationParameter() {

			@Override
			public String getName() {
				return name;
			}

			@Override
			public Class<?> getType() {
				return type;
			}

			@Override
			public boolean isMandatory() {
				return false;
			}

			@Override
			public <T extends Annotation> @Nullable T getAnnotation(Class<T> annotation) {
				return null;
			}

		};
	}

	private static MockHttpServletRequest request(String path) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		request.setServletPath(path);
		return request;
	}

}
