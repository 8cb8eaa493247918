package dev.kafkatask.metrics;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.micrometer.common.docs.KeyName;
import org.junit.jupiter.api.Test;

import dev.kafkatask.test.MarkdownTables;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's meter table says what {@link KafkaTaskMeters} says: every meter, its type and
 * its tags.
 *
 * @author kafka-task
 */
class ReadmeMetersTests {

	private static final String HEADER = "| meter | type | tags | meaning |";

	@Test
	void readmeMeterTableListsEveryMeterWithItsTypeAndTags() throws Exception {
		Map<String, String> documented = new TreeMap<>();
		for (String line : MarkdownTables.rowsOfTable(Path.of("..", "README.md"), HEADER)) {
			String[] cells = line.split("\\|");
			assertThat(cells).as(line).hasSize(5);
			String tags = Arrays.stream(cells[3].split(","))
				.map((tag) -> tag.trim().replace("`", ""))
				.sorted()
				.collect(Collectors.joining(","));
			documented.put(cells[1].trim().replace("`", ""), cells[2].trim().split(",")[0] + " " + tags);
		}
		Map<String, String> actual = new TreeMap<>();
		for (KafkaTaskMeters meter : KafkaTaskMeters.values()) {
			String tags = Arrays.stream(meter.getKeyNames()).map(KeyName::asString).sorted()
				.collect(Collectors.joining(","));
			actual.put(meter.getName(), meter.getType().name().toLowerCase(Locale.ROOT) + " " + tags);
		}
		assertThat(documented).isEqualTo(actual);
	}

}
