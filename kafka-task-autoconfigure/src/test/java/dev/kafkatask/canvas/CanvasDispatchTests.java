package dev.kafkatask.canvas;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.options.TaskOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CanvasDispatch}: how a canvas is written into the options of the tasks
 * dispatched now, in Celery's shape.
 *
 * @author kafka-task
 */
class CanvasDispatchTests {

	private final RecordingDispatcher dispatcher = new RecordingDispatcher();

	private final CanvasDispatch canvas = new CanvasDispatch(this.dispatcher, JsonMapper.builder().build());

	@Test
	void whenAChainIsDispatchedThenItsFirstTaskCarriesTheRestNextLast() throws Exception {
		CanvasReceipt receipt = this.canvas.dispatch(Canvas.chain(Signature.of("a", 1),
				Signature.of("b").withOptions(TaskOptions.none().withTaskId("fixed-b").withQueue("q2")),
				Signature.of("c", 3).immutable())
			.linkError(Signature.of("on-error")))
			.get();
		assertThat(receipt.taskIds()).hasSize(3).element(1).isEqualTo("fixed-b");
		assertThat(receipt.id()).isEqualTo(receipt.taskIds().get(2));
		assertThat(this.dispatcher.dispatched).singleElement().satisfies((first) -> {
			assertThat(first.task()).isEqualTo("a");
			assertThat(first.args()).containsExactly(1);
			assertThat(first.options().taskId()).isEqualTo(receipt.taskIds().get(0));
			JsonNode chain = option(first.options(), TaskOption.CHAIN);
			assertThat(chain.size()).isEqualTo(2);
			SignatureMessage next = SignatureMessage.of(chain.get(1));
			SignatureMessage last = SignatureMessage.of(chain.get(0));
			assertThat(next.task()).isEqualTo("b");
			assertThat(next.taskId()).isEqualTo("fixed-b");
			assertThat(next.queue()).isEqualTo("q2");
			assertThat(last.task()).isEqualTo("c");
			assertThat(last.immutable()).isTrue();
			assertThat(last.taskId()).isEqualTo(receipt.taskIds().get(2));
			// the chain's error link is every member's
			assertThat(SignatureMessage.list(option(first.options(), TaskOption.LINK_ERROR)))
				.extracting(SignatureMessage::task).containsExactly("on-error");
			assertThat(SignatureMessage.list(next.options().get(TaskOption.LINK_ERROR)))
				.extracting(SignatureMessage::task).containsExactly("on-error");
		});
	}

	@Test
	void whenAGroupIsDispatchedThenEachMemberKnowsItsGroupAndIndex() throws Exception {
		CanvasReceipt receipt = this.canvas.dispatch(Canvas.group(Signature.of("a"), Signature.of("b"))).get();
		assertThat(receipt.groupId()).isNotNull().isEqualTo(receipt.id());
		assertThat(receipt.sent()).hasSize(2);
		assertThat(this.dispatcher.dispatched).hasSize(2);
		for (int i = 0; i < 2; i++) {
			TaskOptions options = this.dispatcher.dispatched.get(i).options();
			assertThat(option(options, TaskOption.GROUP).asString()).isEqualTo(receipt.groupId());
			assertThat(option(options, TaskOption.GROUP_INDEX).asInt()).isEqualTo(i);
			assertThat(options.taskId()).isEqualTo(receipt.taskIds().get(i));
			assertThat(options.celeryOptions()).doesNotContainKey(TaskOption.CHORD);
		}
	}

	@Test
	void whenAChordIsDispatchedThenEachMemberCarriesTheCallbackWithTheChordSize() throws Exception {
		CanvasReceipt receipt = this.canvas
			.dispatch(Canvas.chord(Canvas.group(Signature.of("a"), Signature.of("b"), Signature.of("c")),
					Signature.of("sum", "label").linkError(Signature.of("on-error"))))
			.get();
		assertThat(receipt.taskIds()).hasSize(4);
		assertThat(receipt.id()).isEqualTo(receipt.taskIds().get(3));
		assertThat(this.dispatcher.dispatched).hasSize(3).allSatisfy((member) -> {
			SignatureMessage callback = SignatureMessage.of(option(member.options(), TaskOption.CHORD));
			assertThat(callback.task()).isEqualTo("sum");
			assertThat(callback.chordSize()).isEqualTo(3);
			assertThat(callback.taskId()).isEqualTo(receipt.id());
			assertThat(SignatureMessage.list(callback.options().get(TaskOption.LINK_ERROR)))
				.extracting(SignatureMessage::task).containsExactly("on-error");
			assertThat(option(member.options(), TaskOption.GROUP).asString()).isEqualTo(receipt.groupId());
		});
	}

	@Test
	void whenAChordHasNoMembersThenItsCallbackIsDispatchedAtOnceWithNoResults() throws Exception {
		CanvasReceipt receipt = this.canvas.dispatch(Canvas.chord(Canvas.group(List.of()), Signature.of("sum", 1)))
			.get();
		assertThat(this.dispatcher.dispatched).singleElement().satisfies((callback) -> {
			assertThat(callback.task()).isEqualTo("sum");
			assertThat(callback.args()).containsExactly(List.of(), 1);
			assertThat(callback.options().taskId()).isEqualTo(receipt.id());
		});
	}

	@Test
	void whenAMemberIsUniqueOrCannotBeDispatchedThenTheCanvasFails() {
		CompletableFuture<CanvasReceipt> unique = this.canvas.dispatch(Canvas.group(
				Signature.of("a").withOptions(TaskOptions.none().withUnique("k", Duration.ofMinutes(1)))));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(unique::get)
			.withCauseInstanceOf(IllegalArgumentException.class)
			.withMessageContaining("uniqueness is an option of single dispatches");
		this.dispatcher.answer = (dispatch) -> dispatch.task().equals("b")
				? CompletableFuture.failedFuture(new IllegalStateException("broker down"))
				: CompletableFuture.completedFuture(null);
		CompletableFuture<CanvasReceipt> group = this.canvas
			.dispatch(Canvas.group(Signature.of("a"), Signature.of("b")));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(group::get).withMessageContaining("broker down");
	}

	private static JsonNode option(TaskOptions options, TaskOption option) {
		JsonNode value = options.celeryOptions().get(option);
		assertThat(value).as(option.celeryName()).isNotNull();
		return value;
	}

}
