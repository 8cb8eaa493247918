package dev.kafkatask.canvas;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.execution.ForbiddenDestinationException;
import dev.kafkatask.options.TaskOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CanvasContinuation}: what a worker dispatches after a task that carries a
 * canvas, and what it refuses to.
 *
 * @author kafka-task
 */
class CanvasContinuationTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final RecordingDispatcher dispatcher = new RecordingDispatcher();

	private final RecordingDispatcher upstream = new RecordingDispatcher();

	private final List<ChordMember> members = new CopyOnWriteArrayList<>();

	private final CanvasContinuation continuation = new CanvasContinuation(() -> this.dispatcher, this.mapper,
			(queue) -> queue.equals("default") || queue.equals("math"), (member) -> {
				this.members.add(member);
				return CompletableFuture.completedFuture(null);
			}, Duration.ofSeconds(1));

	@Test
	void whenAChainMemberSucceedsThenTheNextRunsWithItsResultAndTheRestOfTheChain() throws Exception {
		TaskEnvelope first = dispatched(Canvas.chain(Signature.of("a"), Signature.of("b", 10),
				Signature.of("c", 20).withOptions(TaskOptions.none().withQueue("math"))));
		this.continuation.check(first);
		this.continuation.succeeded(first, Map.of("sum", 4));
		assertThat(this.dispatcher.dispatched).singleElement().satisfies((next) -> {
			assertThat(next.task()).isEqualTo("b");
			assertThat(next.args()).containsExactly(json("{\"sum\":4}"), json("10"));
			assertThat(next.options().afterCommit()).isFalse();
			JsonNode rest = next.options().celeryOptions().get(TaskOption.CHAIN);
			assertThat(SignatureMessage.list(rest)).extracting(SignatureMessage::task).containsExactly("c");
		});
		TaskEnvelope second = envelope("b", this.dispatcher.dispatched.get(0).options());
		this.continuation.succeeded(second, 7);
		assertThat(this.dispatcher.dispatched).hasSize(2).last().satisfies((last) -> {
			assertThat(last.task()).isEqualTo("c");
			assertThat(last.options().queue()).isEqualTo("math");
			assertThat(last.options().celeryOptions()).doesNotContainKey(TaskOption.CHAIN);
			assertThat(last.args()).containsExactly(json("7"), json("20"));
		});
	}

	@Test
	void whenATaskRunsTwiceThenWhatFollowsItHasTheSameIdsBothTimes() throws Exception {
		TaskEnvelope task = dispatched(Signature.of("a").link(Signature.of("l1")).link(Signature.of("l2").immutable()));
		this.continuation.succeeded(task, "r");
		this.continuation.succeeded(task, "r");
		assertThat(this.dispatcher.dispatched).hasSize(4);
		List<String> ids = this.dispatcher.dispatched.stream().map((d) -> d.options().taskId()).toList();
		assertThat(ids.subList(0, 2)).doesNotHaveDuplicates().isEqualTo(ids.subList(2, 4));
		assertThat(this.dispatcher.dispatched.get(0).args()).containsExactly(json("\"r\""));
		assertThat(this.dispatcher.dispatched.get(1).args()).isEmpty();
	}

	@Test
	void whenATaskFailsThenItsErrorLinksGetItsIdAndTheFailureAndTheChainStops() throws Exception {
		TaskEnvelope failed = dispatched(
				Canvas.chain(Signature.of("a"), Signature.of("b")).linkError(Signature.of("on-error", "x")));
		this.continuation.failed(failed, new IllegalStateException("boom"));
		assertThat(this.dispatcher.dispatched).singleElement().satisfies((errorLink) -> {
			assertThat(errorLink.task()).isEqualTo("on-error");
			assertThat(errorLink.args()).containsExactly(json("\"" + failed.id() + "\""), json("\"x\""));
			assertThat(errorLink.options().headers()).containsEntry(CanvasHeaders.FAILED_TASK, failed.id())
				.containsEntry(CanvasHeaders.ERROR, "java.lang.IllegalStateException: boom");
		});
	}

	@Test
	void whenAChordMemberFinishesThenItIsReportedWithItsIndexAndResultOrFailure() throws Exception {
		Chord chord = Canvas.chord(Canvas.group(Signature.of("a"), Signature.of("b")), Signature.of("sum"));
		new CanvasDispatch(this.upstream, this.mapper).dispatch(chord).get();
		TaskEnvelope first = envelope("a", this.upstream.dispatched.get(0).options());
		TaskEnvelope second = envelope("b", this.upstream.dispatched.get(1).options());
		this.continuation.succeeded(first, 5);
		this.continuation.failed(second, new IllegalArgumentException("no"));
		assertThat(this.members).hasSize(2);
		assertThat(this.members.get(0)).satisfies((member) -> {
			assertThat(member.index()).isEqualTo(0);
			assertThat(member.succeeded()).isTrue();
			assertThat(member.result()).isEqualTo(json("5"));
			assertThat(member.taskId()).isEqualTo(first.id());
			assertThat(SignatureMessage.of(member.callback()).chordSize()).isEqualTo(2);
		});
		assertThat(this.members.get(1)).satisfies((member) -> {
			assertThat(member.index()).isEqualTo(1);
			assertThat(member.succeeded()).isFalse();
			assertThat(member.error()).isEqualTo("java.lang.IllegalArgumentException: no");
			assertThat(member.groupId()).isEqualTo(this.members.get(0).groupId());
		});
		assertThat(this.dispatcher.dispatched).isEmpty();
	}

	@Test
	void whenWhatFollowsIsNotAcknowledgedThenTheContinuationFails() {
		TaskEnvelope task = dispatched(Signature.of("a").link(Signature.of("l")));
		this.dispatcher.answer = (dispatch) -> CompletableFuture.failedFuture(new IllegalStateException("broker down"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.continuation.succeeded(task, 1))
			.withMessage("broker down");
		this.dispatcher.answer = (dispatch) -> new CompletableFuture<>();
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> this.continuation.succeeded(task, 1))
			.withMessageContaining("was not acknowledged within PT1S");
		CanvasContinuation withoutKafka = new CanvasContinuation(() -> this.dispatcher, this.mapper, (queue) -> true,
				null, Duration.ofSeconds(1));
		new CanvasDispatch(this.upstream, this.mapper)
			.dispatch(Canvas.chord(Canvas.group(Signature.of("a")), Signature.of("sum")));
		TaskEnvelope member = envelope("a", this.upstream.dispatched.getLast().options());
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> withoutKafka.succeeded(member, 1))
			.withMessageContaining("has no Kafka leg");
	}

	@Test
	void whenATaskCarriesAMalformedOrForbiddenCanvasThenCheckRefusesIt() {
		assertThatExceptionOfType(ForbiddenDestinationException.class)
			.isThrownBy(() -> this.continuation.check(dispatched(
					Signature.of("a").link(Signature.of("l").withOptions(TaskOptions.none().withQueue("elsewhere"))))))
			.withMessageContaining("'elsewhere'");
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.continuation.check(envelope("a", Map.of("chain", NODES.stringNode("b")))))
			.withMessageContaining("chain");
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.continuation.check(envelope("a", Map.of("chord", json("{\"task\":\"sum\"}"),
					"group", NODES.stringNode("g"), "group_index", NODES.numberNode(0)))))
			.withMessageContaining("chord_size");
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.continuation.check(envelope("a", Map.of("chord",
					json("{\"task\":\"sum\",\"chord_size\":2}"), "group", NODES.stringNode("g"), "group_index",
					NODES.numberNode(2)))))
			.withMessageContaining("group_index from 0 to 1");
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.continuation.check(
					envelope("a", Map.of("chord", json("{\"task\":\"sum\",\"chord_size\":2}")))))
			.withMessageContaining("must name its group");
	}

	/**
	 * Return the first task of a canvas as a worker would read it.
	 */
	private TaskEnvelope dispatched(Canvas canvas) {
		new CanvasDispatch(this.upstream, this.mapper).dispatch(canvas);
		RecordingDispatcher.Dispatched first = this.upstream.dispatched.getFirst();
		return envelope(first.task(), first.options());
	}

	private static TaskEnvelope envelope(String task, TaskOptions options) {
		Map<String, JsonNode> byName = new java.util.LinkedHashMap<>();
		options.celeryOptions().forEach((option, value) -> byName.put(option.celeryName(), value));
		return new TaskEnvelope(options.taskId(), task, List.of(), Map.of(), byName, Map.of(), Instant.now(), 0);
	}

	private static TaskEnvelope envelope(String task, Map<String, JsonNode> options) {
		return new TaskEnvelope("id-" + task, task, List.of(), Map.of(), options, Map.of(), Instant.now(), 0);
	}

	private JsonNode json(String json) {
		return this.mapper.readTree(json);
	}

}
