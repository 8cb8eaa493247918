package dev.kafkatask.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates task records for fuzzing, from a seed: valid envelopes of a task that takes any
 * arguments, with zero to three random mutations each, so that a run sees valid records,
 * records with one field wrong and records that are barely JSON. A field is set to a value
 * of any JSON type (extreme numbers, garbage strings, nesting), removed, or the bytes are
 * cut, flipped or replaced. Due times (eta, countdown) stay within seconds when valid, so
 * that every record comes to an end within the run. The same seed gives the same records.
 *
 * @author kafka-task
 */
final class EnvelopeMutations {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> FIELDS = List.of("v", "id", "task", "args", "kwargs", "options", "headers",
			"created", "retries");

	private static final List<String> OPTIONS = List.of("eta", "countdown", "expires", "priority", "time_limit",
			"soft_time_limit", "ignore_result", "reply_to", "autoretry_for", "throws", "rate_limit", "retry_backoff",
			"max_retries", "shadow", "queue", "headers", "retry_jitter", "link", "unknown_option");

	private final SplittableRandom random;

	private final String task;

	private final Instant now;

	EnvelopeMutations(long seed, String task, Instant now) {
		this.random = new SplittableRandom(seed);
		this.task = task;
		this.now = now;
	}

	/**
	 * Return the next record's payload.
	 * @param index its index, in its id
	 * @return the payload
	 */
	byte[] next(int index) {
		ObjectNode envelope = valid(index);
		int mutations = this.random.nextInt(4);
		for (int i = 0; i < mutations; i++) {
			mutateField(envelope);
		}
		byte[] payload = JSON.writeValueAsBytes(envelope);
		return (this.random.nextInt(10) == 0) ? mutateBytes(payload) : payload;
	}

	private ObjectNode valid(int index) {
		ObjectNode envelope = NODES.objectNode();
		envelope.put("v", 1);
		envelope.put("id", "fuzz-" + index);
		envelope.put("task", this.task);
		ArrayNode args = envelope.putArray("args");
		for (int i = this.random.nextInt(3); i > 0; i--) {
			args.add(value(2));
		}
		ObjectNode kwargs = envelope.putObject("kwargs");
		for (int i = this.random.nextInt(3); i > 0; i--) {
			kwargs.set("k" + i, value(2));
		}
		envelope.putObject("options").put("queue", BenchmarkTasks.QUEUE);
		envelope.putObject("headers").put("origin", "fuzz");
		envelope.put("created", this.now.toString());
		envelope.put("retries", 0);
		return envelope;
	}

	private void mutateField(ObjectNode envelope) {
		ObjectNode target = envelope;
		String field = FIELDS.get(this.random.nextInt(FIELDS.size()));
		if (this.random.nextBoolean()) {
			JsonNode options = envelope.get("options");
			if (options instanceof ObjectNode object) {
				target = object;
				field = OPTIONS.get(this.random.nextInt(OPTIONS.size()));
			}
		}
		switch (this.random.nextInt(5)) {
			case 0 -> target.remove(field);
			case 1 -> target.set(field, NODES.nullNode());
			default -> target.set(field, (field.equals("eta") || field.equals("countdown")) ? due() : value(3));
		}
	}

	/**
	 * Return a value of any JSON type, nested up to the given depth, extreme values
	 * included.
	 */
	private JsonNode value(int depth) {
		return switch (this.random.nextInt((depth > 0) ? 12 : 10)) {
			case 0 -> NODES.numberNode(this.random.nextInt(-3, 300));
			case 1 -> NODES.numberNode(pick(Long.MAX_VALUE, Long.MIN_VALUE, 4294967297L, -1L, 0L));
			case 2 -> NODES.numberNode(pick(1e300, -1e300, 0.5, -0.000001, 3.4e38, Double.MIN_VALUE));
			case 3 -> NODES.numberNode(new java.math.BigInteger("9".repeat(1 + this.random.nextInt(60))));
			case 4 -> NODES.stringNode(pick("", " ", "x", "10/s", "fast", "true", "2026-13-45T99:99:99Z",
					"+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "\u0000\u00ff\ud83d\ude00", "java.lang.Exception",
					"__consumer_offsets", "1970-01-01T00:00:00Z"));
			case 5 -> NODES.stringNode(garbage());
			case 6 -> NODES.booleanNode(this.random.nextBoolean());
			case 7 -> NODES.nullNode();
			case 8 -> NODES.stringNode(this.now.plusSeconds(this.random.nextInt(-3600, 3600)).toString());
			case 9 -> NODES.stringNode("x".repeat(this.random.nextInt(2000)));
			case 10 -> {
				ArrayNode array = NODES.arrayNode();
				for (int i = this.random.nextInt(4); i > 0; i--) {
					array.add(value(depth - 1));
				}
				yield array;
			}
			default -> {
				ObjectNode object = NODES.objectNode();
				for (int i = this.random.nextInt(4); i > 0; i--) {
					object.set(garbage(), value(depth - 1));
				}
				yield object;
			}
		};
	}

	/**
	 * Return a due time: invalid, in the past, or at most a few seconds ahead.
	 */
	private JsonNode due() {
		return switch (this.random.nextInt(6)) {
			case 0 -> NODES.numberNode(this.random.nextDouble() * 3);
			case 1 -> NODES.stringNode(this.now.plusMillis(this.random.nextInt(-60_000, 3_000)).toString());
			case 2 -> NODES.numberNode(pick(1e300, -5.0, Double.MAX_VALUE));
			case 3 -> NODES.stringNode(pick("soon", "+292278994-08-17T07:12:55.807Z", "+10000-01-01T00:00:00Z"));
			case 4 -> NODES.objectNode().put("x", 1);
			default -> NODES.arrayNode().add(1).add(2);
		};
	}

	private byte[] mutateBytes(byte[] payload) {
		byte[] mutated = payload.clone();
		switch (this.random.nextInt(4)) {
			case 0 -> {
				return java.util.Arrays.copyOf(mutated, this.random.nextInt(Math.max(1, mutated.length)));
			}
			case 1 -> {
				for (int i = 1 + this.random.nextInt(4); i > 0; i--) {
					mutated[this.random.nextInt(mutated.length)] = (byte) this.random.nextInt(256);
				}
				return mutated;
			}
			case 2 -> {
				byte[] random = new byte[this.random.nextInt(200)];
				this.random.nextBytes(random);
				return random;
			}
			default -> {
				String text = new String(mutated, StandardCharsets.UTF_8);
				int at = this.random.nextInt(text.length() + 1);
				return (text.substring(0, at) + garbage() + text.substring(at)).getBytes(StandardCharsets.UTF_8);
			}
		}
	}

	private String garbage() {
		char[] chars = new char[this.random.nextInt(12)];
		for (int i = 0; i < chars.length; i++) {
			chars[i] = (char) this.random.nextInt(0x20, 0x7f);
		}
		return new String(chars);
	}

	@SafeVarargs
	private <T> T pick(T... values) {
		return values[this.random.nextInt(values.length)];
	}

}
