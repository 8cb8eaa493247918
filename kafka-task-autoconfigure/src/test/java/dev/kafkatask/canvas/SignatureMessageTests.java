package dev.kafkatask.canvas;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.options.TaskOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SignatureMessage}: signatures in Celery's shape are read, and what a
 * record may bring that is not one is refused.
 *
 * @author kafka-task
 */
class SignatureMessageTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void whenCeleryWritesASignatureThenItIsRead() {
		// as Celery 5 writes s = add.s(2).set(queue='math', countdown=3), nulls and all
		SignatureMessage signature = SignatureMessage.of(json("""
				{"task": "tasks.add", "args": [2], "kwargs": {"z": 1},
				 "options": {"queue": "math", "countdown": 3, "task_id": "abc", "link": null},
				 "subtask_type": null, "immutable": false, "chord_size": null}"""));
		assertThat(signature.task()).isEqualTo("tasks.add");
		assertThat(signature.args()).containsExactly(json("2"));
		assertThat(signature.kwargs()).containsEntry("z", json("1"));
		assertThat(signature.queue()).isEqualTo("math");
		assertThat(signature.taskId()).isEqualTo("abc");
		assertThat(signature.options()).containsOnlyKeys(TaskOption.QUEUE, TaskOption.COUNTDOWN, TaskOption.TASK_ID);
		assertThat(signature.immutable()).isFalse();
		assertThat(signature.chordSize()).isNull();
		SignatureMessage minimal = SignatureMessage.of(json("{\"task\": \"t\"}"));
		assertThat(minimal.args()).isEmpty();
		assertThat(minimal.kwargs()).isEmpty();
	}

	@Test
	void whenASignatureIsWrittenThenItReadsBackAlike() {
		Signature signature = Signature.of("t", 1, "two", List.of(3)).withKwargs(Map.of("k", true)).immutable();
		TaskOptions options = TaskOptions.none().withQueue("q").withTaskId("id-1").withOption("priority", 7);
		SignatureMessage read = SignatureMessage.of(SignatureMessage.json(signature, options, 100, this.mapper));
		assertThat(read.task()).isEqualTo("t");
		assertThat(read.args()).containsExactly(json("1"), json("\"two\""), json("[3]"));
		assertThat(read.kwargs()).containsEntry("k", json("true"));
		assertThat(read.immutable()).isTrue();
		assertThat(read.chordSize()).isEqualTo(100);
		assertThat(read.queue()).isEqualTo("q");
		assertThat(read.taskId()).isEqualTo("id-1");
		assertThat(read.options().get(TaskOption.PRIORITY).asInt()).isEqualTo(7);
	}

	@Test
	void whenAListIsOneSignatureOrNoneThenItIsReadAsSuch() {
		assertThat(SignatureMessage.list(null)).isEmpty();
		assertThat(SignatureMessage.list(json("null"))).isEmpty();
		assertThat(SignatureMessage.list(json("{\"task\": \"t\"}"))).singleElement()
			.satisfies((signature) -> assertThat(signature.task()).isEqualTo("t"));
		assertThat(SignatureMessage.list(json("[{\"task\": \"a\"}, {\"task\": \"b\"}]")))
			.extracting(SignatureMessage::task)
			.containsExactly("a", "b");
	}

	@Test
	void whenASignatureIsMalformedThenItIsRefusedSayingWhy() {
		assertRefused("\"tasks.add\"", "must be a JSON object");
		assertRefused("{}", "must name its task");
		assertRefused("{\"task\": \" \"}", "must name its task");
		assertRefused("{\"task\": 7}", "must name its task");
		assertRefused("{\"task\": \"t\", \"args\": {}}", "args of signature 't' must be an array");
		assertRefused("{\"task\": \"t\", \"kwargs\": []}", "kwargs of signature 't' must be an object");
		assertRefused("{\"task\": \"t\", \"options\": \"q\"}", "options of signature 't' must be an object");
		assertRefused("{\"task\": \"t\", \"immutable\": \"yes\"}", "must be a boolean");
		assertRefused("{\"task\": \"t\", \"chord_size\": -1}", "chord_size");
		assertRefused("{\"task\": \"t\", \"chord_size\": 100001}", "chord_size");
		assertRefused("{\"task\": \"t\", \"chord_size\": 1.5}", "chord_size");
		assertRefused("{\"task\": \"t\", \"options\": {\"exchange\": \"amq.direct\"}}", "Unknown task option 'exchange'");
		assertRefused("{\"task\": \"t\", \"options\": {\"priority\": \"high\"}}", "priority");
		assertRefused("{\"task\": \"t\", \"options\": {\"eta\": \"tomorrow\"}}", "eta");
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> SignatureMessage.list(json("[{\"task\": \"a\"}, 3]")));
	}

	private void assertRefused(String json, String message) {
		assertThatExceptionOfType(InvalidEnvelopeException.class).isThrownBy(() -> SignatureMessage.of(json(json)))
			.withMessageContaining(message);
	}

	private JsonNode json(String json) {
		return this.mapper.readTree(json);
	}

}
