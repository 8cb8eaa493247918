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

import dev.kafkatask.routing.Backend;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskArgs;
import dev.kafkatask.task.TaskContext;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskKwargs;
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

	private static final TaskContext CONTEXT = new TaskContext("id-1", "receipt", "default", Backend.KAFKA, 0,
			Instant.EPOCH, null, null, Map.of());

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
		Object[] values = bind(this.task, List.of(NODES.stringNode("o-1")),
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
			.isThrownBy(() -> bind(this.task, six, Map.of()))
			.withMessage("receipt() takes 5 positional argument(s) but 6 were given");
	}

	@Test
	void whenArgumentIsMissingThenBindingFailsNamingIt() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> bind(this.task, List.of(NODES.stringNode("o-1")), Map.of()))
			.withMessage("receipt() missing required argument 'amount'");
	}

	@Test
	void whenKeywordRepeatsAPositionalArgumentThenBindingFails() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> bind(this.task, List.of(NODES.stringNode("o-1")),
					Map.of("orderId", NODES.stringNode("o-2"))))
			.withMessage("receipt() got multiple values for argument 'orderId'");
	}

	@Test
	void whenKeywordIsUnknownThenBindingFailsNamingIt() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> bind(this.task,
					List.of(NODES.stringNode("o-1"), NODES.numberNode(1), NODES.stringNode("2026-01-01T00:00:00Z"),
							NODES.arrayNode()),
					Map.of("colour", NODES.stringNode("red"))))
			.withMessage("receipt() got unexpected keyword argument(s) [colour]");
	}

	@Test
	void whenValueHasTheWrongTypeThenBindingFailsNamingTheArgument() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> bind(this.task,
					List.of(NODES.stringNode("o-1"), NODES.stringNode("twelve"), NODES.stringNode("2026-01-01T00:00:00Z"),
							NODES.arrayNode()),
					Map.of()))
			.withMessageStartingWith("receipt() argument 'amount' cannot be read as int");
	}

	@Test
	void whenNullIsGivenForAPrimitiveThenBindingFails() {
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> bind(this.task, List.of(NODES.stringNode("o-1"), NODES.nullNode(),
					NODES.stringNode("2026-01-01T00:00:00Z"), NODES.arrayNode()), Map.of()))
			.withMessageStartingWith("receipt() argument 'amount' cannot be read as int");
	}

	@Test
	void whenPayloadNamesAClassThenItIsNotInstantiated() {
		JsonNode typed = this.mapper.readTree("[\"java.lang.ProcessBuilder\", {\"command\": [\"true\"]}]");
		assertThatExceptionOfType(ArgumentBindingException.class).isThrownBy(() -> bind(this.task,
				List.of(NODES.stringNode("o-1"), NODES.numberNode(1), NODES.stringNode("2026-01-01T00:00:00Z"), typed),
				Map.of()));
	}

	@Test
	void whenTaskTakesArgsAndKwargsThenTheyReceiveWhatNoParameterTakes() {
		TaskRegistry registry = new TaskRegistry();
		registry.registerBean(new Tasks(), Tasks.class);
		TaskDefinition echo = registry.find("echo");
		Object[] values = bind(echo, List.of(NODES.stringNode("first"), NODES.numberNode(2), NODES.booleanNode(true)),
				Map.of("x", NODES.numberNode(1.5), "label", NODES.stringNode("l")));
		assertThat(values).containsExactly("first", CONTEXT, List.of(2, true), Map.of("x", 1.5), "l");
	}

	@Test
	void whenTaskTakesArgsAndKwargsThenNothingIsRequiredBeyondItsOwnParameters() {
		TaskRegistry registry = new TaskRegistry();
		registry.registerBean(new Tasks(), Tasks.class);
		TaskDefinition echo = registry.find("echo");
		assertThat(bind(echo, List.of(NODES.stringNode("first")), Map.of("label", NODES.stringNode("l"))))
			.containsExactly("first", CONTEXT, List.of(), Map.of(), "l");
		assertThatExceptionOfType(ArgumentBindingException.class)
			.isThrownBy(() -> bind(echo, List.of(), Map.of("label", NODES.stringNode("l"))))
			.withMessage("echo() missing required argument 'first'");
	}

	private Object[] bind(TaskDefinition task, List<JsonNode> args, Map<String, JsonNode> kwargs) {
		return this.binder.bind(task, args, kwargs, CONTEXT);
	}

	public record Line(String sku, int quantity) {
	}

	public static class Tasks {

		@KafkaTask(name = "receipt")
		public void receipt(String orderId, int amount, Instant at, List<Line> lines, Optional<String> note) {
		}

		@KafkaTask(name = "echo")
		public void echo(String first, TaskContext context, @TaskArgs List<Object> rest,
				@TaskKwargs Map<String, Object> options, String label) {
		}

	}

}
