package dev.kafkatask.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's option table says what {@link OptionWhitelist#standard()} says.
 *
 * @author kafka-task
 */
class ReadmeWhitelistTests {

	@Test
	void readmeTableMatchesTheWhitelist() throws Exception {
		Path readme = Path.of("..", "README.md");
		Map<String, Map<String, String>> documented = new LinkedHashMap<>();
		for (String line : Files.readAllLines(readme)) {
			if (line.startsWith("| `") && line.split("\\|").length == 4) {
				String[] cells = line.split("\\|");
				String option = cells[1].trim().replace("`", "");
				if (TaskOption.find(option) != null) {
					documented.put(option, Map.of("kafka", cells[2].trim(), "rabbitmq", cells[3].trim()));
				}
			}
		}
		Map<String, Map<String, String>> actual = new LinkedHashMap<>();
		OptionWhitelist.standard().describe().forEach((option, byBackend) -> actual.put(option, Map.copyOf(byBackend)));
		assertThat(documented).isEqualTo(actual);
	}

}
