package dev.kafkatask.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The figures of a run, in the order they are printed, written as one line of JSON.
 *
 * @author kafka-task
 */
final class Result {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, @Nullable Object> fields = new LinkedHashMap<>();

	Result put(String name, @Nullable Object value) {
		this.fields.put(name, (value instanceof Double number) ? round(number) : value);
		return this;
	}

	@Nullable Object get(String name) {
		return this.fields.get(name);
	}

	Result putAll(Result other) {
		this.fields.putAll(other.fields);
		return this;
	}

	String toJson() {
		return JSON.writeValueAsString(this.fields);
	}

	static double seconds(long nanos) {
		return nanos / 1e9;
	}

	private static @Nullable Object round(double value) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return null;
		}
		double scale = (Math.abs(value) >= 100) ? 10 : 1000;
		return Math.round(value * scale) / scale;
	}

}
