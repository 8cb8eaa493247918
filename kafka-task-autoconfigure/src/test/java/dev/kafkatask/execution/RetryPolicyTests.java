package dev.kafkatask.execution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.options.TaskOption;
import dev.kafkatask.task.TaskRetry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryPolicy}: Celery's defaults, backoff, its cap and jitter.
 *
 * @author kafka-task
 */
class RetryPolicyTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	@Test
	void whenNothingIsSetThenCeleryDefaultsApply() {
		RetryPolicy policy = RetryPolicy.of(Map.of());
		assertThat(policy.maxRetries()).isEqualTo(3);
		assertThat(policy.delay(0, new IllegalStateException())).isEqualTo(Duration.ofSeconds(180));
		assertThat(policy.retries(new IllegalStateException())).isFalse();
		assertThat(policy.retries(new TaskRetry(null))).isTrue();
		assertThat(policy.delay(0, new TaskRetry(null, Duration.ofMillis(250)))).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void whenAutoretryNamesASuperclassThenItsSubclassesRetry() {
		RetryPolicy policy = RetryPolicy
			.of(Map.of(TaskOption.AUTORETRY_FOR, NODES.arrayNode().add("java.lang.RuntimeException")));
		assertThat(policy.retries(new UncheckedIOException(new IOException()))).isTrue();
		assertThat(policy.retries(new AssertionError())).isFalse();
	}

	@Test
	void whenBackoffIsSetThenDelaysDoubleUpToTheirCap() {
		RetryPolicy policy = RetryPolicy.of(Map.of(TaskOption.RETRY_BACKOFF, NODES.numberNode(2),
				TaskOption.RETRY_BACKOFF_MAX, NODES.numberNode(10), TaskOption.RETRY_JITTER, NODES.booleanNode(false)));
		assertThat(policy.delay(0, new IllegalStateException())).isEqualTo(Duration.ofSeconds(2));
		assertThat(policy.delay(1, new IllegalStateException())).isEqualTo(Duration.ofSeconds(4));
		assertThat(policy.delay(2, new IllegalStateException())).isEqualTo(Duration.ofSeconds(8));
		assertThat(policy.delay(3, new IllegalStateException())).isEqualTo(Duration.ofSeconds(10));
		assertThat(policy.delay(40, new IllegalStateException())).isEqualTo(Duration.ofSeconds(10));
	}

	@RepeatedTest(20)
	void whenJitterIsOnThenDelaysStayWithinTheBackoff() {
		RetryPolicy policy = RetryPolicy.of(Map.of(TaskOption.RETRY_BACKOFF, NODES.booleanNode(true)));
		assertThat(policy.jitter()).isTrue();
		assertThat(policy.delay(3, new IllegalStateException())).isBetween(Duration.ZERO, Duration.ofSeconds(8));
	}

}
