package dev.kafkatask.task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.kafkatask.options.TaskOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the options a {@link KafkaTask} annotation sets, read by
 * {@link AnnotatedTaskOptions} when a task is registered.
 *
 * @author kafka-task
 */
class AnnotatedTaskOptionsTests {

	private final TaskRegistry registry = new TaskRegistry();

	@Test
	void whenTypedAttributesAreSetThenTheyBecomeTheTasksCeleryOptions() {
		this.registry.registerBean(new TypedTasks(), TypedTasks.class);
		Map<TaskOption, JsonNode> options = this.registry.find("typed").options();
		assertThat(options.get(TaskOption.AUTORETRY_FOR).valueStream().map(JsonNode::asString))
			.containsExactly(IOException.class.getName(), TimeoutException.class.getName(),
					TaskTimeLimitExceeded.class.getName());
		assertThat(options.get(TaskOption.MAX_RETRIES).asInt()).isEqualTo(5);
		assertThat(options.get(TaskOption.DEFAULT_RETRY_DELAY).asDouble()).isEqualTo(30.0);
		assertThat(options.get(TaskOption.RETRY_BACKOFF).asBoolean()).isTrue();
		assertThat(options.get(TaskOption.RATE_LIMIT).asString()).isEqualTo("10/s");
		assertThat(options.get(TaskOption.SOFT_TIME_LIMIT).asDouble()).isEqualTo(1.5);
		assertThat(options.get(TaskOption.TIME_LIMIT).asDouble()).isEqualTo(120.0);
		assertThat(options).doesNotContainKey(TaskOption.RETRY_JITTER);
	}

	@Test
	void whenTypedAttributesAreLeftAtTheirDefaultsThenTheTaskHasNoOptions() {
		this.registry.registerBean(new PlainTasks(), PlainTasks.class);
		assertThat(this.registry.find("plain").options()).isEmpty();
	}

	@Test
	void whenTypedAttributesAndOptionsStringsAreMixedThenBothCount() {
		this.registry.registerBean(new MixedTasks(), MixedTasks.class);
		Map<TaskOption, JsonNode> options = this.registry.find("mixed").options();
		assertThat(options.get(TaskOption.MAX_RETRIES).asInt()).isEqualTo(2);
		assertThat(options.get(TaskOption.RETRY_JITTER).asBoolean()).isFalse();
		assertThat(options.get(TaskOption.RETRY_BACKOFF).asDouble()).isEqualTo(0.25);
	}

	@Test
	void whenAnOptionIsSetByAttributeAndByStringThenRegistrationFailsNamingBoth() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new TwiceTasks(), TwiceTasks.class))
			.withMessageContaining("TwiceTasks.work")
			.withMessageContaining("max_retries is set both by maxRetries and in options");
	}

	@Test
	void whenAnOptionStringIsRepeatedThenRegistrationFails() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new RepeatedTasks(), RepeatedTasks.class))
			.withMessageContaining("rate_limit is set twice in options");
	}

	@Test
	void whenADurationAttributeIsNotADurationThenRegistrationFailsNamingIt() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new BadDurationTasks(), BadDurationTasks.class))
			.withMessageContaining("timeLimit: 'soon' is not a duration");
	}

	@Test
	void whenARateLimitAttributeIsNotARateThenRegistrationFailsNamingIt() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new BadRateTasks(), BadRateTasks.class))
			.withMessageContaining("rateLimit:")
			.withMessageContaining("a rate like 10/s");
	}

	@Test
	void whenANegativeDurationIsGivenThenRegistrationFails() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new NegativeTasks(), NegativeTasks.class))
			.withMessageContaining("softTimeLimit:");
	}

	@Test
	void whenAutoretryForNamesNoClassThenRegistrationFails() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new TypoTasks(), TypoTasks.class))
			.withMessageContaining("autoretry_for names java.io.IOExeption, which is no class here");
	}

	@Test
	void whenThrowsNamesAClassThatIsNoExceptionThenRegistrationFails() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new NotAnExceptionTasks(), NotAnExceptionTasks.class))
			.withMessageContaining("throws names java.lang.String, which is not an exception");
	}

	@Test
	void whenANestedExceptionIsNamedByItsBinaryNameThenItIsAccepted() {
		this.registry.registerBean(new NestedExceptionTasks(), NestedExceptionTasks.class);
		assertThat(this.registry.find("nested").options().get(TaskOption.AUTORETRY_FOR).get(0).asString())
			.isEqualTo(Outer.Inner.class.getName());
	}

	static class TypedTasks {

		@KafkaTask(name = "typed", autoretryFor = { IOException.class, TimeoutException.class,
				TaskTimeLimitExceeded.class }, maxRetries = 5, defaultRetryDelay = "30s", retryBackoff = "true",
				rateLimit = "10/s", softTimeLimit = "1500ms", timeLimit = "2m")
		public void work() {
		}

	}

	static class PlainTasks {

		@KafkaTask(name = "plain")
		public void work() {
		}

	}

	static class MixedTasks {

		@KafkaTask(name = "mixed", maxRetries = 2, retryBackoff = "250ms", options = "retry_jitter=false")
		public void work() {
		}

	}

	static class TwiceTasks {

		@KafkaTask(maxRetries = 2, options = "max_retries=4")
		public void work() {
		}

	}

	static class RepeatedTasks {

		@KafkaTask(options = { "rate_limit=1/s", "rate_limit=2/s" })
		public void work() {
		}

	}

	static class BadDurationTasks {

		@KafkaTask(timeLimit = "soon")
		public void work() {
		}

	}

	static class BadRateTasks {

		@KafkaTask(rateLimit = "fast")
		public void work() {
		}

	}

	static class NegativeTasks {

		@KafkaTask(softTimeLimit = "-5s")
		public void work() {
		}

	}

	static class TypoTasks {

		@KafkaTask(options = "autoretry_for=java.io.IOExeption")
		public void work() {
		}

	}

	static class NotAnExceptionTasks {

		@KafkaTask(options = "throws=java.lang.String")
		public void work() {
		}

	}

	static class NestedExceptionTasks {

		@KafkaTask(name = "nested", options = "autoretry_for=dev.kafkatask.task.AnnotatedTaskOptionsTests$Outer$Inner")
		public void work() {
		}

	}

	static class Outer {

		static class Inner extends UncheckedIOException {

			Inner(IOException cause) {
				super(cause);
			}

		}

	}

}
