package dev.kafkatask.page;

import java.util.regex.Pattern;

/**
 * Checks the path the task page is served at ({@code kafka-task.page.path}). It uses no
 * web class, so that the properties can check it where Spring MVC is absent.
 *
 * @author kafka-task
 */
public final class TaskPagePath {

	/**
	 * Where the page is served unless configured otherwise.
	 */
	public static final String DEFAULT = "/kafka-task";

	/**
	 * Segments of letters, digits, {@code -}, {@code _}, {@code .} and {@code ~}, each
	 * after a {@code /}.
	 */
	private static final Pattern SEGMENTS = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

	private TaskPagePath() {
	}

	/**
	 * Check a path for the page.
	 * @param path the path, such as {@code /kafka-task} or {@code /ops/tasks}
	 * @return the path
	 * @throws IllegalArgumentException if it does not start with {@code /}, ends with
	 * {@code /}, has an empty, {@code .} or {@code ..} segment, or characters other than
	 * letters, digits, {@code -}, {@code _}, {@code .}, {@code ~} and {@code /}
	 */
	public static String check(String path) {
		if (path == null || !path.startsWith("/")) {
			throw new IllegalArgumentException("The task page's path must start with '/', such as '" + DEFAULT
					+ "': " + quoted(path));
		}
		if (!SEGMENTS.matcher(path).matches()) {
			throw new IllegalArgumentException("The task page's path must be segments of letters, digits, '-', '_',"
					+ " '.' and '~', each after one '/', without a trailing '/' (such as '/ops/tasks'): "
					+ quoted(path));
		}
		for (String segment : path.substring(1).split("/")) {
			if (segment.equals(".") || segment.equals("..")) {
				throw new IllegalArgumentException(
						"The task page's path must not have a '.' or '..' segment: " + quoted(path));
			}
		}
		return path;
	}

	private static String quoted(String path) {
		return (path != null) ? "'" + path + "'" : "null";
	}

}
