package dev.kafkatask.execution;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.routing.Backend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link TaskLifecycle}: what each event carries.
 *
 * @author kafka-task
 */
class TaskLifecycleTests {

	private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final List<TaskEvent> published = new ArrayList<>();

	private final TaskLifecycle lifecycle = lifecycle(1000);

	@Test
	void whenATaskIsDispatchedThenOnlyThatEventCarriesItsArgumentsAsJson() {
		TaskEnvelope envelope = envelope(List.of(NODES.numberNode(2), NODES.stringNode("<b>x</b>")),
				Map.of("flag", NODES.booleanNode(true)));
		this.lifecycle.dispatched(envelope, "default", Backend.KAFKA, "default", this.lifecycle.arguments(envelope));
		this.lifecycle.publish(TaskEventType.STARTED, envelope, "default", Backend.KAFKA, "default", 1, null, null,
				null);
		this.lifecycle.publish(TaskEventType.SUCCEEDED, envelope, "default", Backend.KAFKA, "default", 1,
				Map.of("sum", 5), null, null);
		assertThat(this.published).extracting(TaskEvent::type)
			.containsExactly(TaskEventType.DISPATCHED, TaskEventType.STARTED, TaskEventType.SUCCEEDED);
		assertThat(this.published.get(0).arguments()).isEqualTo("{\"args\":[2,\"<b>x</b>\"],\"kwargs\":{\"flag\":true}}");
		assertThat(this.published.get(1).arguments()).isNull();
		assertThat(this.published.get(2).arguments()).isNull();
		assertThat(this.published.get(2).result()).isEqualTo("{\"sum\":5}");
	}

	@Test
	void whenATaskIsOfANamedClusterThenEachOfItsEventsBelongsToThatCluster() {
		TaskEnvelope envelope = envelope(List.of(), Map.of());
		this.lifecycle.dispatched(envelope, "remote", Backend.KAFKA, "east", null);
		this.lifecycle.publish(TaskEventType.STARTED, envelope, "remote", Backend.KAFKA, "east", 1, null, null, null);
		this.lifecycle.publish(TaskEventType.REVOKED, "id-1", "it.add", "remote", Backend.KAFKA, "east", 0, null, null,
				null);
		assertThat(this.published).extracting(TaskEvent::cluster).containsExactly("east", "east", "east");
	}

	@Test
	void whenARabbitTaskIsDispatchedThenItsEventBelongsToTheDefaultCluster() {
		TaskEnvelope envelope = envelope(List.of(), Map.of());
		this.lifecycle.dispatched(envelope, "default", Backend.RABBITMQ, null, null);
		assertThat(this.published).singleElement().satisfies((event) -> {
			assertThat(event.backend()).isEqualTo("rabbitmq");
			assertThat(event.cluster()).isEqualTo("default");
		});
	}

	@Test
	void whenATaskReturnsNothingThenItsSucceededEventCarriesWhatTheMapperWritesForNull() {
		TaskEnvelope envelope = envelope(List.of(), Map.of());
		this.lifecycle.publish(TaskEventType.SUCCEEDED, envelope, "default", Backend.KAFKA, "default", 1, null, null,
				null);
		assertThat(this.published).singleElement()
			.satisfies((event) -> assertThat(event.result()).isEqualTo(new JsonMapper().writeValueAsString(null)));
	}

	@Test
	void whenArgumentsAreNestedThenTheirJsonIsTheTreesText() {
		ObjectNode nested = NODES.objectNode();
		nested.putArray("items").add(NODES.objectNode().put("sku", "a\u0000\"b\"\u2028")).add(NODES.nullNode());
		nested.put("total", new BigDecimal("12.50")).put("ratio", Double.NaN);
		List<JsonNode> args = List.of(nested, NODES.numberNode(Long.MIN_VALUE), NODES.arrayNode());
		Map<String, JsonNode> kwargs = new LinkedHashMap<>();
		kwargs.put("flag", NODES.booleanNode(false));
		kwargs.put("k\ud83d\ude00", nested);
		TaskEnvelope envelope = envelope(args, kwargs);
		ObjectNode tree = NODES.objectNode();
		tree.putArray("args").addAll(envelope.args());
		tree.putObject("kwargs").setAll(envelope.kwargs());
		assertThat(this.lifecycle.arguments(envelope)).isEqualTo(new JsonMapper().writeValueAsString(tree));
	}

	@Test
	void whenArgumentsAreLongerThanTheMaximumThenTheyAreCut() {
		TaskEnvelope envelope = envelope(List.of(NODES.stringNode("y".repeat(100))), Map.of());
		TaskLifecycle cutting = lifecycle(40);
		cutting.dispatched(envelope, "default", Backend.RABBITMQ, null, cutting.arguments(envelope));
		assertThat(this.published.get(0).arguments()).isEqualTo("{\"args\":[\"" + "y".repeat(30) + "…")
			.hasSize(41);
		assertThat(this.published.get(0).backend()).isEqualTo("rabbitmq");
	}

	@Test
	void whenArgumentsAreSwitchedOffThenTheDispatchedEventHasNone() {
		this.lifecycle.setArguments(false);
		TaskEnvelope envelope = envelope(List.of(NODES.stringNode("secret")), Map.of());
		assertThat(this.lifecycle.arguments(envelope)).isNull();
		this.lifecycle.dispatched(envelope, "default", Backend.KAFKA, "default", this.lifecycle.arguments(envelope));
		assertThat(this.published).singleElement().satisfies((event) -> {
			assertThat(event.type()).isEqualTo(TaskEventType.DISPATCHED);
			assertThat(event.arguments()).isNull();
		});
	}

	private TaskLifecycle lifecycle(int maxLength) {
		return new TaskLifecycle(this.published::add, "1@host", maxLength, new JsonMapper(),
				Clock.fixed(NOW, ZoneOffset.UTC));
	}

	private static TaskEnvelope envelope(List<JsonNode> args, Map<String, JsonNode> kwargs) {
		return new TaskEnvelope("id-1", "it.add", args, kwargs, Map.of(), Map.of(), NOW, 0);
	}

}
