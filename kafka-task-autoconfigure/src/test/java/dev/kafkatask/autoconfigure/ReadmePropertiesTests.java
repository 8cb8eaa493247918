package dev.kafkatask.autoconfigure;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration reference names every property kafka-task binds, and no
 * property it does not: its tables are held in step with {@link KafkaTaskProperties} through
 * the configuration metadata.
 *
 * @author kafka-task
 */
class ReadmePropertiesTests {

	// The first cell of a row of a table: the configuration reference.
	private static final Pattern PROPERTY = Pattern.compile("^\\| `(kafka-task\\.[a-z0-9.\\-]+)", Pattern.MULTILINE);

	@Test
	void whenKafkaTaskBindsAPropertyThenTheReadmeNamesIt() throws Exception {
		Set<String> named = namedInReadme();
		Set<String> missing = new TreeSet<>();
		for (JsonNode property : metadata().path("properties")) {
			String name = property.path("name").asString();
			if (name.startsWith("kafka-task.") && !named.contains(name)) {
				missing.add(name);
			}
		}
		assertThat(missing).as("properties of the metadata that README.md does not name").isEmpty();
	}

	@Test
	void whenTheReadmeNamesAPropertyThenKafkaTaskBindsIt() throws Exception {
		Set<String> bound = new TreeSet<>();
		Set<String> maps = new TreeSet<>();
		for (JsonNode property : metadata().path("properties")) {
			String name = property.path("name").asString();
			bound.add(name);
			if (property.path("type").asString().startsWith("java.util.Map<")) {
				maps.add(name);
			}
		}
		Set<String> unknown = new TreeSet<>();
		for (String name : namedInReadme()) {
			boolean known = bound.contains(name) || maps.stream().anyMatch((map) -> name.startsWith(map + "."));
			if (!known) {
				unknown.add(name);
			}
		}
		assertThat(unknown).as("kafka-task.* names in README.md that kafka-task does not bind").isEmpty();
	}

	private static Set<String> namedInReadme() throws Exception {
		Set<String> named = new TreeSet<>();
		Matcher matcher = PROPERTY.matcher(Files.readString(Path.of("..", "README.md")));
		while (matcher.find()) {
			// 'kafka-task.queue-owners.<queue>' names the map 'kafka-task.queue-owners'
			String name = matcher.group(1);
			named.add(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
		}
		return named;
	}

	private static JsonNode metadata() throws Exception {
		try (InputStream in = ReadmePropertiesTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			return new JsonMapper().readTree(in);
		}
	}

}
