package dev.kafkatask.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the configuration metadata an IDE reads: generated from
 * {@link KafkaTaskProperties} and merged with the hand-written groups, health switches and
 * hints, which must stay in step with the code.
 *
 * @author kafka-task
 */
class ConfigurationMetadataTests {

	private final JsonNode metadata = read();

	@Test
	void whenThePropertiesAreDescribedThenEveryOneHasADescription() {
		List<String> undescribed = new ArrayList<>();
		this.metadata.path("properties").forEach((property) -> {
			if (property.path("description").asString("").isBlank()) {
				undescribed.add(property.path("name").asString());
			}
		});
		assertThat(undescribed).isEmpty();
	}

	@Test
	void whenTheGroupsAreDescribedThenEveryGroupOfKafkaTaskHasADescription() {
		List<String> undescribed = new ArrayList<>();
		this.metadata.path("groups").forEach((group) -> {
			String name = group.path("name").asString();
			if (name.startsWith("kafka-task.") && group.path("description").asString("").isBlank()) {
				undescribed.add(name);
			}
		});
		assertThat(undescribed).isEmpty();
	}

	@Test
	void whenAHintListsValuesThenTheyAreExactlyTheValuesOfThePropertysEnum() throws Exception {
		assertThat(this.metadata.path("hints").size()).isGreaterThanOrEqualTo(6);
		for (JsonNode hint : this.metadata.path("hints")) {
			String name = hint.path("name").asString();
			String propertyName = name.endsWith(".values") ? name.substring(0, name.length() - ".values".length())
					: name;
			JsonNode property = property(propertyName);
			assertThat(property).as("property of hint %s", name).isNotNull();
			String type = property.path("type").asString();
			if (type.startsWith("java.util.Map<")) {
				type = type.substring(type.indexOf(',') + 1, type.length() - 1);
			}
			Class<?> enumType = ClassUtils.forName(type, getClass().getClassLoader());
			assertThat(enumType.isEnum()).as("%s is an enum", type).isTrue();
			Set<String> constants = Arrays.stream(enumType.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.toSet());
			List<String> hinted = new ArrayList<>();
			hint.path("values").forEach((value) -> {
				hinted.add(value.path("value").asString());
				assertThat(value.path("description").asString("")).as("description of %s in %s", value, name)
					.isNotBlank();
			});
			assertThat(hinted).as("values of hint %s", name).containsExactlyInAnyOrderElementsOf(constants);
		}
	}

	@Test
	void whenTheHealthSwitchesAreListedThenThereIsOneForTheCompositeAndOneForEachMember() {
		assertThat(property("management.health.kafka-task.enabled")).isNotNull();
		for (String member : List.of("worker", "delays", "kafka", "clusters", "rabbit", "rabbit-consumers")) {
			assertThat(property("management.health.kafka-task." + member + ".enabled")).as(member).isNotNull();
		}
	}

	@Test
	void whenTaskSettingsAreBoundThenTheirTypeIsTaskProperties() {
		assertThat(property("kafka-task.tasks").path("type").asString())
			.isEqualTo("java.util.Map<java.lang.String,dev.kafkatask.autoconfigure.TaskProperties>");
	}

	private JsonNode property(String name) {
		for (JsonNode property : this.metadata.path("properties")) {
			if (property.path("name").asString().equals(name)) {
				return property;
			}
		}
		return null;
	}

	private static JsonNode read() {
		try (InputStream in = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			return new JsonMapper().readTree(in);
		}
		catch (Exception ex) {
			throw new IllegalStateException("No configuration metadata: was the processor run?", ex);
		}
	}

}
