package dev.kafkatask.codec;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Property tests of {@link IsoInstants}: it reads what {@link Instant#toString()} writes,
 * and otherwise agrees with {@link Instant#parse}.
 *
 * @author kafka-task
 */
class IsoInstantsPropertyTests {

	@Test
	void readsWhatInstantWrites() {
		PropertyCheck.forAll("readsWhatInstantWrites", 2000, IsoInstantsPropertyTests::instant,
				(instant) -> assertThat(IsoInstants.parse(instant.toString())).isEqualTo(instant));
	}

	@Test
	void agreesWithInstantParseOnMangledText() {
		PropertyCheck.forAll("agreesWithInstantParseOnMangledText", 2000, Mangling::generate, (mangling) -> {
			String mangled = mangling.text();
			Instant expected;
			try {
				expected = Instant.parse(mangled);
			}
			catch (DateTimeParseException ex) {
				assertThatExceptionOfType(DateTimeParseException.class).isThrownBy(() -> IsoInstants.parse(mangled));
				return;
			}
			assertThat(IsoInstants.parse(mangled)).isEqualTo(expected);
		});
	}

	@Test
	void fallsBackForOffsetsAndLeapSeconds() {
		assertThat(IsoInstants.parse("2026-11-23T05:00:00+01:00")).isEqualTo(Instant.parse("2026-11-23T04:00:00Z"));
		assertThat(IsoInstants.parse("2026-12-31T23:59:60Z")).isEqualTo(Instant.parse("2026-12-31T23:59:60Z"));
		assertThatExceptionOfType(DateTimeParseException.class).isThrownBy(() -> IsoInstants.parse("2026-02-30T00:00:00Z"));
	}

	/**
	 * Return an instant of the years 1 to 9999: whole seconds, whole milliseconds or any
	 * nanoseconds.
	 */
	private static Instant instant(RandomGenerator random) {
		long second = Generators.longBetween(random, -62_135_596_800L, 253_402_300_799L);
		int nano = Generators.oneOf(random, (r) -> 0, (r) -> Generators.intBetween(r, 0, 999) * 1_000_000,
				(r) -> Generators.intBetween(r, 0, 999_999_999));
		return Instant.ofEpochSecond(second, nano);
	}

	/**
	 * An instant's text with one character replaced.
	 */
	record Mangling(Instant instant, int position, char replacement) {

		static Mangling generate(RandomGenerator random) {
			return new Mangling(IsoInstantsPropertyTests.instant(random), Generators.intBetween(random, 0, 40),
					Generators.pick(random, '0', '9', '1', '-', ':', 'T', 'Z', '.', '+', ' ', 'x', '6'));
		}

		String text() {
			String text = this.instant.toString();
			int at = this.position % text.length();
			return text.substring(0, at) + this.replacement + text.substring(at + 1);
		}

	}

}
