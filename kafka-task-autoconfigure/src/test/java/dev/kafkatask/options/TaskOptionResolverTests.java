package dev.kafkatask.options;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.routing.Backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link TaskOptionResolver}, {@link OptionWhitelist} and {@link TaskOption}.
 *
 * @author kafka-task
 */
class TaskOptionResolverTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final Map<TaskOption, JsonNode> ANNOTATED = Map.of(TaskOption.MAX_RETRIES, NODES.numberNode(3),
			TaskOption.THROWS, NODES.arrayNode().add("java.io.IOException"), TaskOption.SHADOW,
			NODES.stringNode("annotated"));

	@Test
	void whenOptionIsSetAtEveryLevelThenDispatchBeatsPropertiesBeatsAnnotation() {
		TaskOptionResolver resolver = resolver(UnsupportedOptionPolicy.REJECT,
				Map.of("t", new TaskSettings(
						Map.of(TaskOption.MAX_RETRIES, NODES.numberNode(5), TaskOption.SHADOW, NODES.stringNode("props")),
						null)));
		assertThat(resolver.taskOptions("t")).containsEntry(TaskOption.MAX_RETRIES, NODES.numberNode(5))
			.containsEntry(TaskOption.SHADOW, NODES.stringNode("props"))
			.containsEntry(TaskOption.THROWS, NODES.arrayNode().add("java.io.IOException"));
		Map<TaskOption, JsonNode> dispatched = resolver.dispatchOptions("t",
				TaskOptions.none().withOption("shadow", "dispatched").celeryOptions());
		assertThat(dispatched).containsEntry(TaskOption.SHADOW, NODES.stringNode("dispatched"))
			.containsEntry(TaskOption.MAX_RETRIES, NODES.numberNode(5));
		assertThat(resolver.taskOptions("other")).isEmpty();
	}

	@Test
	void whenPolicyIsRejectThenAnUnsupportedOptionFailsTheDispatchNamingItAndTheBackend() {
		TaskOptionResolver resolver = resolver(UnsupportedOptionPolicy.REJECT, Map.of());
		assertThatExceptionOfType(UnsupportedTaskOptionException.class)
			.isThrownBy(() -> resolver.resolve("t", Backend.KAFKA,
					Map.of(TaskOption.LINK, NODES.stringNode("next"), TaskOption.SHADOW, NODES.stringNode("s")), true))
			.withMessageStartingWith("Task 't' sets option(s) [link] that kafka does not support");
	}

	@Test
	void whenPolicyIsRouteToRabbitThenTheTaskGoesToRabbitWhenRabbitSupportsIt() {
		TaskOptionResolver resolver = resolver(UnsupportedOptionPolicy.ROUTE_TO_RABBIT, Map.of());
		Map<TaskOption, JsonNode> options = Map.of(TaskOption.LINK, NODES.stringNode("next"));
		TaskOptionResolver.Resolution resolution = resolver.resolve("t", Backend.KAFKA, options, true);
		assertThat(resolution.backend()).isEqualTo(Backend.RABBITMQ);
		assertThat(resolution.rerouted()).isTrue();
		assertThat(resolution.options()).isEqualTo(options);
		assertThatExceptionOfType(UnsupportedTaskOptionException.class)
			.isThrownBy(() -> resolver.resolve("t", Backend.KAFKA, options, false));
		assertThatExceptionOfType(UnsupportedTaskOptionException.class).isThrownBy(() -> resolver.resolve("t",
				Backend.KAFKA, Map.of(TaskOption.TRACK_STARTED, NODES.booleanNode(true)), true));
	}

	@Test
	void whenPolicyIsIgnoreThenUnsupportedOptionsAreDropped() {
		TaskOptionResolver resolver = resolver(UnsupportedOptionPolicy.REJECT,
				Map.of("t", new TaskSettings(Map.of(), UnsupportedOptionPolicy.IGNORE)));
		TaskOptionResolver.Resolution resolution = resolver.resolve("t", Backend.KAFKA,
				Map.of(TaskOption.LINK, NODES.stringNode("next"), TaskOption.SHADOW, NODES.stringNode("s")), true);
		assertThat(resolution.backend()).isEqualTo(Backend.KAFKA);
		assertThat(resolution.options()).containsOnlyKeys(TaskOption.SHADOW);
		assertThat(resolver.policy("t")).isEqualTo(UnsupportedOptionPolicy.IGNORE);
		assertThat(resolver.policy("u")).isEqualTo(UnsupportedOptionPolicy.REJECT);
	}

	@Test
	void whenOptionIsSupportedOnlyWithSomeValuesThenOtherValuesAreNot() {
		OptionWhitelist whitelist = OptionWhitelist.standard();
		assertThat(whitelist.supports(Backend.KAFKA, TaskOption.ACKS_LATE, NODES.booleanNode(true))).isTrue();
		assertThat(whitelist.supports(Backend.KAFKA, TaskOption.ACKS_LATE, NODES.booleanNode(false))).isFalse();
		assertThat(whitelist.supports(Backend.KAFKA, TaskOption.IGNORE_RESULT, NODES.booleanNode(false))).isTrue();
		assertThat(whitelist.supports(Backend.KAFKA, TaskOption.REJECT_ON_WORKER_LOST, NODES.booleanNode(false)))
			.isFalse();
		assertThat(whitelist.supports(Backend.KAFKA, TaskOption.SERIALIZER, NODES.stringNode("pickle"))).isFalse();
		assertThat(whitelist.supports(Backend.KAFKA, TaskOption.EXPIRES, NODES.stringNode("2030-01-01T00:00:00Z")))
			.isTrue();
		assertThat(whitelist.describe()).hasSize(TaskOption.values().length);
		assertThat(whitelist.describe().get("track_started")).containsEntry("kafka", "no");
		assertThat(whitelist.without(Backend.KAFKA, TaskOption.LINK).describe().get("link")).containsEntry("kafka",
				"no");
	}

	@Test
	void whenOptionIsSetPerDispatchThenItsFieldOrMapHoldsIt() {
		Instant before = Instant.now();
		TaskOptions options = TaskOptions.none()
			.withOption("countdown", 3)
			.withOption("expires", 60)
			.withOption("queue", "q")
			.withOption("task_id", "id-1")
			.withOption("headers", Map.of("h", "v"))
			.withOption("priority", 7)
			.withOption("time-limit", Duration.ofSeconds(30));
		assertThat(Duration.between(before, options.eta()).toMillis()).isCloseTo(3000, within(1000L));
		assertThat(Duration.between(before, options.expires()).toSeconds()).isCloseTo(60, within(1L));
		assertThat(options.queue()).isEqualTo("q");
		assertThat(options.taskId()).isEqualTo("id-1");
		assertThat(options.headers()).containsEntry("h", "v");
		assertThat(options.celeryOptions()).containsEntry(TaskOption.PRIORITY, NODES.numberNode(7L))
			.containsEntry(TaskOption.TIME_LIMIT, NODES.numberNode(30.0))
			.containsKeys(TaskOption.ETA, TaskOption.EXPIRES, TaskOption.QUEUE, TaskOption.TASK_ID, TaskOption.HEADERS);
	}

	@Test
	void whenOptionIsUnknownOrItsValueWrongThenItIsRefusedSayingWhy() {
		assertThatIllegalArgumentException().isThrownBy(() -> TaskOptions.none().withOption("retries_max", 1))
			.withMessageStartingWith("Unknown task option 'retries_max'; the options are [countdown, eta,");
		assertThatIllegalArgumentException().isThrownBy(() -> TaskOptions.none().withOption("max_retries", "many"))
			.withMessage("Task option 'max_retries' cannot be \"many\": expected a whole number >= 0");
		assertThatIllegalArgumentException().isThrownBy(() -> TaskOption.ACKS_LATE.parse("yes"))
			.withMessage("Task option 'acks_late' cannot be yes: expected true or false");
		assertThat(TaskOption.AUTORETRY_FOR.parse("java.io.IOException, java.lang.IllegalStateException"))
			.isEqualTo(NODES.arrayNode().add("java.io.IOException").add("java.lang.IllegalStateException"));
		assertThat(TaskOption.RETRY_BACKOFF.parse("true")).isEqualTo(NODES.booleanNode(true));
		assertThat(TaskOption.RETRY_BACKOFF.parse("2")).isEqualTo(NODES.numberNode(2L));
	}

	private static TaskOptionResolver resolver(UnsupportedOptionPolicy policy,
			Map<String, TaskSettings> settings) {
		// link as if only RabbitMQ supported it, as it was before canvas came to Kafka
		return new TaskOptionResolver(OptionWhitelist.standard().without(Backend.KAFKA, TaskOption.LINK), policy,
				settings,
				(task) -> task.equals("t") ? ANNOTATED : Map.of());
	}

}
