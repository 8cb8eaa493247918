package dev.kafkatask.codec;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Properties of {@link IsoInstants}: it reads what {@link Instant#toString()} writes, and
 * otherwise agrees with {@link Instant#parse}.
 *
 * @author kafka-task
 */
class IsoInstantsProperties {

	@Property(tries = 2000)
	void readsWhatInstantWrites(@ForAll("instants") Instant instant) {
		assertThat(IsoInstants.parse(instant.toString())).isEqualTo(instant);
	}

	@Property(tries = 2000)
	void agreesWithInstantParseOnMangledText(@ForAll("instants") Instant instant, @ForAll("positions") int position,
			@ForAll("characters") char replacement) {
		String text = instant.toString();
		int at = position % text.length();
		String mangled = text.substring(0, at) + replacement + text.substring(at + 1);
		Instant expected;
		try {
			expected = Instant.parse(mangled);
		}
		catch (DateTimeParseException ex) {
			assertThatExceptionOfType(DateTimeParseException.class).isThrownBy(() -> IsoInstants.parse(mangled));
			return;
		}
		assertThat(IsoInstants.parse(mangled)).isEqualTo(expected);
	}

	@Example
	void fallsBackForOffsetsAndLeapSeconds() {
		assertThat(IsoInstants.parse("2026-11-23T05:00:00+01:00")).isEqualTo(Instant.parse("2026-11-23T04:00:00Z"));
		assertThat(IsoInstants.parse("2026-12-31T23:59:60Z")).isEqualTo(Instant.parse("2026-12-31T23:59:60Z"));
		assertThatExceptionOfType(DateTimeParseException.class).isThrownBy(() -> IsoInstants.parse("2026-02-30T00:00:00Z"));
	}

	@Provide
	Arbitrary<Instant> instants() {
		Arbitrary<Long> seconds = Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L);
		Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999)
			.map((millis) -> millis * 1_000_000), Arbitraries.integers().between(0, 999_999_999));
		return seconds.flatMap((second) -> nanos.map((nano) -> Instant.ofEpochSecond(second, nano)));
	}

	@Provide
	Arbitrary<Integer> positions() {
		return Arbitraries.integers().between(0, 40);
	}

	@Provide
	Arbitrary<Character> characters() {
		return Arbitraries.of('0', '9', '1', '-', ':', 'T', 'Z', '.', '+', ' ', 'x', '6');
	}

}
