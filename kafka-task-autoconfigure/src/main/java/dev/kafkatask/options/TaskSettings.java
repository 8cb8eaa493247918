package dev.kafkatask.options;

import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The configured settings of one task: Celery options that override its annotation's, and
 * its own unsupported-option policy.
 *
 * @param options its options
 * @param policy its unsupported-option policy, or {@code null} for the application's
 * @author kafka-task
 */
public record TaskSettings(Map<TaskOption, JsonNode> options, @Nullable UnsupportedOptionPolicy policy) {

	public TaskSettings {
		options = Map.copyOf(options);
	}

	/**
	 * Read a task's settings from text, as configuration properties give them.
	 * @param options the options that are set, each as its text
	 * @param policy the task's unsupported-option policy, or {@code null} for the
	 * application's
	 * @return the settings
	 * @throws InvalidTaskSettingException naming the option if its value is not valid for it
	 */
	public static TaskSettings of(Map<TaskOption, String> options, @Nullable UnsupportedOptionPolicy policy) {
		Map<TaskOption, JsonNode> values = new EnumMap<>(TaskOption.class);
		options.forEach((option, text) -> {
			try {
				values.put(option, option.parse(text));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidTaskSettingException(option, text, ex.getMessage(), ex);
			}
		});
		return new TaskSettings(values, policy);
	}

	/**
	 * Thrown when the value of a task setting is not valid.
	 */
	public static class InvalidTaskSettingException extends IllegalArgumentException {

		private final TaskOption option;

		private final String value;

		private final String reason;

		InvalidTaskSettingException(TaskOption option, String value, @Nullable String reason, Throwable cause) {
			super(option.celeryName() + ": " + reason, cause);
			this.option = option;
			this.value = value;
			this.reason = String.valueOf(reason);
		}

		/**
		 * Return the option whose value is not valid.
		 * @return the option
		 */
		public TaskOption getOption() {
			return this.option;
		}

		/**
		 * Return the value that is not valid.
		 * @return the value
		 */
		public String getValue() {
			return this.value;
		}

		/**
		 * Return why it is not valid.
		 * @return the reason
		 */
		public String getReason() {
			return this.reason;
		}

	}

}
