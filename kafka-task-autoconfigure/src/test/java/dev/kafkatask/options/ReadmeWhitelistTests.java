package dev.kafkatask.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

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
		for (String line : rowsOfTable(Path.of("..", "README.md"), HEADER)) {
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

	/**
	 * The rows of the one Markdown table of a file with a header line, without the header
	 * and its separator: only that table is read, whatever other tables the file holds.
	 */
	private static List<String> rowsOfTable(Path file, String header) throws Exception {
		List<String> lines = Files.readAllLines(file);
		assertThat(lines).as("tables headed %s in %s", header, file).containsOnlyOnce(header);
		List<String> rows = new ArrayList<>();
		for (int i = lines.indexOf(header) + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
			rows.add(lines.get(i));
		}
		return rows;
	}

}
