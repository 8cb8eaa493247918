package dev.kafkatask.execution;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.options.TaskOption;
import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Property tests of rate limits: the option's validation at decode and the limiter that runs
 * a task agree on every rate, so that a rate let in never fails a run, and one refused could
 * not have been run.
 *
 * @author kafka-task
 */
class RateLimiterPropertyTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	@Test
	void ratesTheOptionAcceptsMakeALimiterAndOthersDoNot() {
		PropertyCheck.forAll("ratesTheOptionAcceptsMakeALimiterAndOthersDoNot", 1000, RateLimiterPropertyTests::rate,
				(rate) -> {
					boolean accepted;
					try {
						TaskOption.RATE_LIMIT.validate(rate);
						accepted = true;
					}
					catch (IllegalArgumentException ex) {
						accepted = false;
					}
					if (accepted) {
						RateLimiter limiter = rate.isNumber() ? RateLimiter.perSecond(rate.asDouble())
								: RateLimiter.of(rate.asString());
						// the first slot is free; the next one comes within a day
						assertThat(limiter.reserve()).isZero();
						assertThat(limiter.reserve()).isBetween(Duration.ZERO, Duration.ofDays(1));
					}
					else if (rate.isString()) {
						assertThatIllegalArgumentException().isThrownBy(() -> RateLimiter.of(rate.asString()));
					}
				});
	}

	/**
	 * A rate as a dispatch could carry it: counts from tiny to huge, with and without a unit,
	 * and text that is nearly a rate.
	 */
	private static JsonNode rate(RandomGenerator random) {
		double count = switch (random.nextInt(4)) {
			case 0 -> random.nextInt(0, 1000);
			case 1 -> Math.pow(10, random.nextDouble(-12, 12));
			case 2 -> random.nextDouble(0, 0.001);
			default -> random.nextDouble(0, 1e6);
		};
		String number = (random.nextBoolean()) ? Long.toString(Math.round(count)) : String.format("%.6f", count);
		return switch (random.nextInt(6)) {
			case 0 -> NODES.numberNode(count);
			case 1 -> NODES.stringNode(number);
			case 2 -> NODES.stringNode(number + "/" + Generators.pick(random, List.of("s", "m", "h")));
			case 3 -> NODES.stringNode(number + Generators.pick(random, List.of("/", "d", "/d", "/sec", " /s", "f")));
			case 4 -> NODES.stringNode("-" + number + "/s");
			default -> NODES.stringNode(number.toUpperCase(Locale.ROOT) + "/M");
		};
	}

}
