package dev.kafkatask.page;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of {@link TaskPagePath}: the paths the page may be served at, and why others are
 * refused.
 *
 * @author kafka-task
 */
class TaskPagePathTests {

	@ParameterizedTest
	@ValueSource(strings = { "/kafka-task", "/ops/tasks", "/a", "/tasks.v2/page_1~x" })
	void whenAPathIsSegmentsOfSafeCharactersThenItIsTaken(String path) {
		assertThat(TaskPagePath.check(path)).isEqualTo(path);
	}

	@ParameterizedTest
	@ValueSource(strings = { "kafka-task", "", " /kafka-task" })
	void whenAPathDoesNotStartWithASlashThenItIsRefused(String path) {
		assertThatIllegalArgumentException().isThrownBy(() -> TaskPagePath.check(path))
			.withMessageStartingWith("The task page's path must start with '/'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/kafka-task/", "//kafka-task", "/ops//tasks", "/kafka task", "/kafka-task?x=1",
			"/kafka-task#x", "/%2e%2e", "/tasks/*", "/<b>", "/kafka-task;x", "/a\\b" })
	void whenAPathHasAnEmptySegmentOrAnUnsafeCharacterThenItIsRefused(String path) {
		assertThatIllegalArgumentException().isThrownBy(() -> TaskPagePath.check(path))
			.withMessageStartingWith("The task page's path must be segments of letters, digits");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/..", "/ops/../actuator", "/.", "/ops/./tasks" })
	void whenAPathHasADotSegmentThenItIsRefused(String path) {
		assertThatIllegalArgumentException().isThrownBy(() -> TaskPagePath.check(path))
			.withMessageStartingWith("The task page's path must not have a '.' or '..' segment");
	}

	@Test
	void whenThePathIsNullThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> TaskPagePath.check(null))
			.withMessageEndingWith(": null");
	}

}
