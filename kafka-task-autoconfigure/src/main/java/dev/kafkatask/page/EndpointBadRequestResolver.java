package dev.kafkatask.page;

import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.ParameterMappingException;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.UrlPathHelper;

/**
 * Answers a bad request to the {@code kafkatasks} endpoint with why it is bad: the
 * endpoint's checks say so ("A task id has at most 200 characters, not 201", "'limit' must
 * be between 1 and 500: 0"), but Spring Boot's error page leaves the reason out unless
 * {@code server.error.include-message} says otherwise, so a person at the task page, or at
 * curl, would see a bare 400. Only 400s of requests under the endpoint's path are
 * answered here, as JSON like Boot's error page with the {@code message}; everything else
 * goes on to Boot's handling.
 *
 * @author kafka-task
 */
public final class EndpointBadRequestResolver implements HandlerExceptionResolver, Ordered {

	private static final UrlPathHelper PATHS = new UrlPathHelper();

	private final Supplier<@Nullable String> endpointPath;

	private final JsonMapper mapper = new JsonMapper();

	/**
	 * Create the resolver.
	 * @param endpointPath the path of the {@code kafkatasks} endpoint, such as
	 * {@code /actuator/kafkatasks}, or {@code null} when it is not exposed over HTTP
	 */
	public EndpointBadRequestResolver(Supplier<@Nullable String> endpointPath) {
		this.endpointPath = endpointPath;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (!(ex instanceof ResponseStatusException status) || status.getStatusCode().value() != 400
				|| status.getReason() == null || response.isCommitted()) {
			return null;
		}
		String path = this.endpointPath.get();
		String lookup = PATHS.getLookupPathForRequest(request);
		if (path == null || !(lookup.equals(path) || lookup.startsWith(path + "/"))) {
			return null;
		}
		ObjectNode body = this.mapper.createObjectNode()
			.put("status", 400)
			.put("error", HttpStatus.BAD_REQUEST.getReasonPhrase())
			.put("message", message(status))
			.put("path", lookup);
		try {
			byte[] content = this.mapper.writeValueAsBytes(body);
			response.setStatus(400);
			response.setContentType("application/json");
			response.setHeader("X-Content-Type-Options", "nosniff");
			response.setContentLength(content.length);
			response.getOutputStream().write(content);
			return new ModelAndView();
		}
		catch (java.io.IOException | RuntimeException writeFailure) {
			return null;
		}
	}

	/**
	 * Return why a request is bad: the endpoint's own reason, or, for a parameter that could
	 * not be read as its type (Boot says only "Parameter mapping failure"), which one and
	 * what it should be.
	 */
	private static @Nullable String message(ResponseStatusException status) {
		if (status.getCause() instanceof ParameterMappingException mapping) {
			OperationParameter parameter = mapping.getParameter();
			String value = String.valueOf(mapping.getValue());
			String shown = (value.length() > 64) ? value.substring(0, 64) + "..." : value;
			return "'" + parameter.getName() + "' must be " + expected(parameter.getType()) + ", not '" + shown + "'";
		}
		return status.getReason();
	}

	private static String expected(Class<?> type) {
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
			return "a whole number";
		}
		if (type == Double.class || type == double.class) {
			return "a number";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		return "a " + type.getSimpleName();
	}

	/**
	 * Before Spring MVC's own resolvers (0), after Boot's error attributes, which only
	 * note the exception.
	 */
	@Override
	public int getOrder() {
		return -1;
	}

}
