package dev.kafkatask.options;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

	/**
	 * Key of a task's unsupported-option policy among its settings.
	 */
	public static final String UNSUPPORTED_OPTIONS = "unsupported-options";

	public TaskSettings {
		options = Map.copyOf(options);
	}

	/**
	 * Read a task's settings from text, as configuration properties give them: each key is
	 * a Celery option ({@code max_retries} or {@code max-retries}) or
	 * {@value #UNSUPPORTED_OPTIONS} ({@code reject}, {@code route-to-rabbit} or
	 * {@code ignore}).
	 * @param values the settings by key
	 * @param otherKeys keys that belong to other settings of the task and are skipped
	 * @return the settings
	 * @throws InvalidTaskSettingException naming the key if a key is unknown or its value
	 * is not valid for it
	 */
	public static TaskSettings parse(Map<String, String> values, Set<String> otherKeys) {
		Map<TaskOption, JsonNode> options = new EnumMap<>(TaskOption.class);
		UnsupportedOptionPolicy policy = null;
		for (Map.Entry<String, String> value : values.entrySet()) {
			String key = value.getKey();
			if (otherKeys.contains(key)) {
				continue;
			}
			try {
				if (key.equals(UNSUPPORTED_OPTIONS) || key.equals("unsupported_options")) {
					policy = UnsupportedOptionPolicy
						.valueOf(value.getValue().trim().toUpperCase(Locale.ROOT).replace('-', '_'));
				}
				else {
					TaskOption option = TaskOption.of(key);
					options.put(option, option.parse(value.getValue()));
				}
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidTaskSettingException(key, value.getValue(), ex.getMessage(), ex);
			}
		}
		return new TaskSettings(options, policy);
	}

	/**
	 * Thrown when a task setting's key is unknown or its value is not valid.
	 */
	public static class InvalidTaskSettingException extends IllegalArgumentException {

		private final String key;

		private final String value;

		private final String reason;

		InvalidTaskSettingException(String key, String value, @Nullable String reason, Throwable cause) {
			super(key + ": " + reason, cause);
			this.key = key;
			this.value = value;
			this.reason = String.valueOf(reason);
		}

		/**
		 * Return the key of the setting that is not valid.
		 * @return the key
		 */
		public String getKey() {
			return this.key;
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
