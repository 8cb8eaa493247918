package dev.kafkatask.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ArgumentBinder}.
 *
 * @author kafka-task
 */
class ArgumentBinderTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final JsonMapper mapper = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
		.build();

	private final ArgumentBinder binder = new ArgumentBinder(this.mapper);

	private final TaskDefinition task;

	ArgumentBinderTests() {
		TaskRegistry registry = new TaskRegistry();
		registry.registerBean(new Tasks(), Tasks.class);
		this.task = registry.find("receipt");
	}

	@Test
	void whenArgumentsArePositionalAndKeywordThenTheyBindLikeAPythonCall() {
		Object[] values = this.binder.bind(this.task, List.of(NODES.stringNode("o-1")),
				Map.of("amount", NODES.numberNode(1250), "at", NODES.stringNode("2026-01-01T00:00:00Z"),
						"lines", this.mapper.valueToTree(List.of(new Line("book", 2)))));
		assertThat(values).containsExactly("o-1", 1250, Instant.parse("2026-01-01T00:00:00Z"),
				List.of(new Line("book", 2)), Optional.empty());
	}

	@Test
	void whenTooManyPositionalArgumentsThenBindingFails() {
		List<JsonNode> six = List.of(NODES.stringNode("a"), NODES.numberNode(1), NODES.nullNode(), NODES.nullNode(),
				NODES.nullNode(), NODES.nullNode());
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> this.binder.bind(this.task, six, Map.of()))
			.withMessage("receipt() takes 5 positional argument(s) but 6 were given");
	}

	@Test
	void whenArgumentIsMissingThenBindingFailsNamingIt() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> this.binder.bind(this.task, List.of(NODES.stringNode("o-1")), Map.of()))
			.withMessage("receipt() missing required argument 'amount'");
	}

	@Test
	void whenKeywordRepeatsAPositionalArgumentThenBindingFails() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> this.binder.bind(this.task, List.of(NODES.stringNode("o-1")),
					Map.of("orderId", NODES.stringNode("o-2"))))
			.withMessage("receipt() got multiple values for argument 'orderId'");
	}

	@Test
	void whenKeywordIsUnknownThenBindingFailsNamingIt() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> this.binder.bind(this.task,
					List.of(NODES.stringNode("o-1"), NODES.numberNode(1), NODES.stringNode("2026-01-01T00:00:00Z"),
							NODES.arrayNode()),
					Map.of("colour", NODES.stringNode("red"))))
			.withMessage("receipt() got unexpected keyword argument(s) [colour]");
	}

	@Test
	void whenValueHasTheWrongTypeThenBindingFailsNamingTheArgument() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> this.binder.bind(this.task,
					List.of(NODES.stringNode("o-1"), NODES.stringNode("twelve"), NODES.stringNode("2026-01-01T00:00:00Z"),
							NODES.arrayNode()),
					Map.of()))
			.withMessageStartingWith("receipt() argument 'amount' cannot be read as int");
	}

	@Test
	void whenNullIsGivenForAPrimitiveThenBindingFails() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> this.binder.bind(this.task, List.of(NODES.stringNode("o-1"), NODES.nullNode(),
					NODES.stringNode("2026-01-01T00:00:00Z"), NODES.arrayNode()), Map.of()))
			.withMessageStartingWith("receipt() argument 'amount' cannot be read as int");
	}

	@Test
	void whenPayloadNamesAClassThenItIsNotInstantiated() {
		JsonNode typed = this.mapper.readTree("[\"java.lang.ProcessBuilder\", {\"command\": [\"true\"]}]");
		assertThatExceptionOfType(ArgumentBindingException.class).isThrownBy(() -> this.binder.bind(this.task,
				List.of(NODES.stringNode("o-1"), NODES.numberNode(1), NODES.stringNode("2026-01-01T00:00:00Z"), typed),
				Map.of()));
	}

	public record Line(String sku, int quantity) {
	}

	public static class Tasks {

		@KafkaTask(name = "receipt")
		public void receipt(String orderId, int amount, Instant at, List<Line> lines, Optional<String> note) {
		}

	}

}
