package dev.kafkatask.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UrlPathHelper;

/**
 * Serves the task page: one HTML page and its script and style sheet, all in the jar, at
 * the configured path ({@code /kafka-task}, {@code /kafka-task/task-page.js},
 * {@code /kafka-task/task-page.css}); anything else under the path is 404. The page holds
 * no data: its script reads the {@code kafkatasks} actuator endpoint, whose path and
 * whether its writes are open the HTML names. Each answer forbids inline script and
 * content from elsewhere ({@value #CONTENT_SECURITY_POLICY}), sniffing and framing.
 *
 * @author kafka-task
 */
public final class TaskPageHandler implements HttpRequestHandler {

	/**
	 * The {@code Content-Security-Policy} of every answer: the page's own script and style
	 * sheet, requests to its own origin, nothing inline, no frames.
	 */
	public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
			+ " img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
			+ " frame-ancestors 'none'";

	/**
	 * The page's script, under the page's path.
	 */
	public static final String SCRIPT = "/task-page.js";

	/**
	 * The page's style sheet, under the page's path.
	 */
	public static final String STYLE = "/task-page.css";

	private static final String HTML_TYPE = "text/html;charset=UTF-8";

	private static final UrlPathHelper PATHS = new UrlPathHelper();

	private final String path;

	private final Supplier<@Nullable String> endpointPath;

	private final BooleanSupplier writesOpen;

	private final String html;

	private final Map<String, Asset> assets;

	/**
	 * Create the handler.
	 * @param path the page's path ({@link TaskPagePath#check checked})
	 * @param endpointPath the path of the {@code kafkatasks} endpoint, such as
	 * {@code /actuator/kafkatasks}, or {@code null} when it is not exposed over HTTP
	 * @param writesOpen whether the endpoint's write operations are open
	 */
	public TaskPageHandler(String path, Supplier<@Nullable String> endpointPath, BooleanSupplier writesOpen) {
		this.path = TaskPagePath.check(path);
		this.endpointPath = endpointPath;
		this.writesOpen = writesOpen;
		this.html = new String(read("task-page.html"), StandardCharsets.UTF_8);
		this.assets = Map.of(SCRIPT, new Asset("text/javascript;charset=UTF-8", read("task-page.js")), STYLE,
				new Asset("text/css;charset=UTF-8", read("task-page.css")));
	}

	/**
	 * Return the page's path.
	 * @return the path
	 */
	public String getPath() {
		return this.path;
	}

	@Override
	public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
		secure(response);
		String method = request.getMethod();
		boolean head = "HEAD".equals(method);
		if (!head && !"GET".equals(method)) {
			response.setHeader("Allow", "GET, HEAD");
			text(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed: the task page is read with GET");
			return;
		}
		String lookup = PATHS.getLookupPathForRequest(request);
		String rest = lookup.startsWith(this.path) ? lookup.substring(this.path.length()) : null;
		if (rest != null && (rest.isEmpty() || rest.equals("/"))) {
			response.setHeader("Cache-Control", "no-store");
			send(response, head, HTML_TYPE, page(prefix(request)).getBytes(StandardCharsets.UTF_8));
			return;
		}
		Asset asset = (rest != null) ? this.assets.get(rest) : null;
		if (asset == null) {
			text(response, HttpServletResponse.SC_NOT_FOUND, "Not found: the task page has no such file");
			return;
		}
		response.setHeader("Cache-Control", "no-cache");
		send(response, head, asset.contentType(), asset.content());
	}

	/**
	 * The HTML, naming where the page's files and the endpoint are (escaped, though the
	 * page's path is checked) and whether writes are open.
	 */
	private String page(String prefix) {
		String endpoint = this.endpointPath.get();
		return this.html.replace("{{base}}", HtmlUtils.htmlEscape(prefix + this.path))
			.replace("{{api}}", (endpoint != null) ? HtmlUtils.htmlEscape(prefix + endpoint) : "")
			.replace("{{writes}}", this.writesOpen.getAsBoolean() ? "open" : "read-only");
	}

	/**
	 * The context path, and the path of the dispatcher servlet when it is mapped under one
	 * ({@code spring.mvc.servlet.path}): the page and the endpoint are both under them.
	 */
	private static String prefix(HttpServletRequest request) {
		String servlet = (request.getPathInfo() != null) ? request.getServletPath() : "";
		return request.getContextPath() + servlet;
	}

	private static void secure(HttpServletResponse response) {
		response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "DENY");
		response.setHeader("Referrer-Policy", "no-referrer");
	}

	private static void send(HttpServletResponse response, boolean head, String contentType, byte[] content)
			throws IOException {
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType(contentType);
		response.setContentLength(content.length);
		if (!head) {
			response.getOutputStream().write(content);
		}
	}

	private static void text(HttpServletResponse response, int status, String message) throws IOException {
		byte[] content = (message + "\n").getBytes(StandardCharsets.UTF_8);
		response.setStatus(status);
		response.setContentType("text/plain;charset=UTF-8");
		response.setContentLength(content.length);
		response.getOutputStream().write(content);
	}

	private static byte[] read(String name) {
		try (InputStream in = new ClassPathResource(name, TaskPageHandler.class).getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The task page's '" + name + "' is not in the jar", ex);
		}
	}

	private record Asset(String contentType, byte[] content) {
	}

}
