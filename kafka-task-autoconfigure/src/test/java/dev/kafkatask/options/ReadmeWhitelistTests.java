package dev.kafkatask.options;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.kafkatask.test.MarkdownTables;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's option table says what {@link OptionWhitelist#standard()} says.
 *
 * @author kafka-task
 */
class ReadmeWhitelistTests {

	private static final String HEADER = "| option | kafka | rabbitmq |";

	@Test
	void readmeTableMatchesTheWhitelist() throws Exception {
		Map<String, Map<String, String>> documented = new LinkedHashMap<>();
		for (String line : MarkdownTables.rowsOfTable(Path.of("..", "README.md"), HEADER)) {
			String[] cells = line.split("\\|");
			assertThat(cells).as(line).hasSize(4);
			String option = cells[1].trim().replace("`", "");
			assertThat(TaskOption.find(option)).as("option of row %s", line).isNotNull();
			documented.put(option, Map.of("kafka", cells[2].trim(), "rabbitmq", cells[3].trim()));
		}
		Map<String, Map<String, String>> actual = new LinkedHashMap<>();
		OptionWhitelist.standard().describe().forEach((option, byBackend) -> actual.put(option, Map.copyOf(byBackend)));
		assertThat(documented).isEqualTo(actual);
	}

}
