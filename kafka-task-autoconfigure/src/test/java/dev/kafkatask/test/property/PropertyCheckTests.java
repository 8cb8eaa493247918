package dev.kafkatask.test.property;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link PropertyCheck}.
 *
 * @author kafka-task
 */
class PropertyCheckTests {

	private static final Function<RandomGenerator, List<Integer>> LISTS = (random) -> Generators.list(random, 0, 50,
			(r) -> Generators.intBetween(r, 0, 100));

	private final PropertyCheck defaults = new PropertyCheck((name) -> null);

	@Test
	void whenInvariantHoldsThenEveryTryRuns() {
		List<Integer> inputs = new ArrayList<>();
		this.defaults.check("holds", 123, (random) -> random.nextInt(), (input) -> Stream.empty(), inputs::add);
		assertThat(inputs).hasSize(123);
	}

	@Test
	void sameSeedGeneratesSameInputs() {
		assertThat(inputs(this.defaults, "a property", 50)).isEqualTo(inputs(this.defaults, "a property", 50));
		PropertyCheck seeded = new PropertyCheck(Map.of(PropertyCheck.SEED_PROPERTY, "42")::get);
		assertThat(inputs(seeded, "one name", 50)).isEqualTo(inputs(seeded, "another name", 50));
	}

	@Test
	void seedDependsOnThePropertyName() {
		assertThat(this.defaults.seed("a property")).isEqualTo(PropertyCheck.seedOf("a property"));
		assertThat(inputs(this.defaults, "a property", 50)).isNotEqualTo(inputs(this.defaults, "another", 50));
	}

	@Test
	void seedPropertyReplacesTheSeed() {
		PropertyCheck seeded = new PropertyCheck(Map.of(PropertyCheck.SEED_PROPERTY, " -7 ")::get);
		assertThat(seeded.seed("a property")).isEqualTo(-7);
		PropertyCheck random = new PropertyCheck(Map.of(PropertyCheck.SEED_PROPERTY, "random")::get);
		assertThat(Stream.generate(() -> random.seed("a property")).limit(5).distinct()).hasSizeGreaterThan(1);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PropertyCheck(Map.of(PropertyCheck.SEED_PROPERTY, "0x1f")::get).seed("p"))
			.withMessageContaining(PropertyCheck.SEED_PROPERTY);
	}

	@Test
	void triesFactorScalesTheTries() {
		assertThat(new PropertyCheck(Map.of(PropertyCheck.TRIES_FACTOR_PROPERTY, "10")::get).scaledTries(300))
			.isEqualTo(3000);
		assertThat(new PropertyCheck(Map.of(PropertyCheck.TRIES_FACTOR_PROPERTY, "0.1")::get).scaledTries(300))
			.isEqualTo(30);
		assertThat(new PropertyCheck(Map.of(PropertyCheck.TRIES_FACTOR_PROPERTY, "0.0001")::get).scaledTries(300))
			.isEqualTo(1);
		assertThat(this.defaults.scaledTries(300)).isEqualTo(300);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PropertyCheck(Map.of(PropertyCheck.TRIES_FACTOR_PROPERTY, "0")::get).scaledTries(1))
			.withMessageContaining(PropertyCheck.TRIES_FACTOR_PROPERTY);
	}

	@Test
	void failureNamesPropertySeedTryAndInputWithTheFailureAsCause() {
		long seed = PropertyCheck.seedOf("no sevens");
		AssertionError error = catchThrowableOfType(AssertionError.class,
				() -> this.defaults.check("no sevens", 1_000, (random) -> Generators.intBetween(random, 0, 9),
						(input) -> Stream.empty(), (input) -> assertThat(input).isNotEqualTo(7)));
		assertThat(error).hasMessageStartingWith("Property 'no sevens' failed on try ")
			.hasMessageContaining(" of 1000 with seed " + seed + ".")
			.hasMessageContaining("Replay it with -Dkafkatask.property.seed=" + seed)
			.hasMessageContaining("Input: 7")
			.hasMessageNotContaining("Shrunk");
		assertThat(error.getCause()).isInstanceOf(AssertionError.class).hasMessageContaining("7");
	}

	@Test
	void failureIsReplayedByItsSeed() {
		Function<RandomGenerator, List<Integer>> generator = LISTS;
		PropertyCheck.Invariant<List<Integer>> noLongList = (list) -> assertThat(list).hasSizeLessThan(45);
		AssertionError first = catchThrowableOfType(AssertionError.class, () -> this.defaults.check("short lists",
				1_000, generator, (input) -> Stream.empty(), noLongList));
		String seed = first.getMessage().replaceAll("(?s).*with seed (-?\\d+)\\..*", "$1");
		PropertyCheck replay = new PropertyCheck(Map.of(PropertyCheck.SEED_PROPERTY, seed)::get);
		AssertionError second = catchThrowableOfType(AssertionError.class,
				() -> replay.check("renamed", 1_000, generator, (input) -> Stream.empty(), noLongList));
		assertThat(second.getMessage().replace("'renamed'", "'short lists'")).isEqualTo(first.getMessage());
	}

	@Test
	void failingListIsShrunkToASmallestFailingList() {
		AssertionError error = catchThrowableOfType(AssertionError.class,
				() -> this.defaults.check("no 13", 1_000, LISTS, PropertyCheck::shorterLists,
						(list) -> assertThat(list).doesNotContain(13)));
		assertThat(error).hasMessageContaining("\nShrunk in ").hasMessageContaining(" to: [13]\n");
		assertThat(error.getSuppressed()).hasSize(1);
	}

	@Test
	void shorterListsRemoveEverSmallerRuns() {
		assertThat(PropertyCheck.shorterLists(List.of(1, 2, 3, 4))).containsExactly(List.of(), List.of(3, 4),
				List.of(1, 2), List.of(2, 3, 4), List.of(1, 3, 4), List.of(1, 2, 4), List.of(1, 2, 3));
		assertThat(PropertyCheck.shorterLists(List.of())).isEmpty();
	}

	@Test
	void hugeInputIsCutInTheReport() {
		AssertionError error = catchThrowableOfType(AssertionError.class, () -> this.defaults.check("huge", 1,
				(random) -> "x".repeat(10_000), (input) -> Stream.empty(), (input) -> assertThat(input).isEmpty()));
		assertThat(error).hasMessageContaining("x".repeat(PropertyCheck.MAX_DESCRIPTION_CHARS) + "... (8000 more characters)");
	}

	@Test
	void checkedExceptionOfTheInvariantIsAFailure() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.defaults.check("throws", 10, (random) -> 1, (input) -> Stream.empty(), (input) -> {
				throw new IOException("boom");
			}))
			.withMessageContaining("Failure: java.io.IOException: boom")
			.withCauseInstanceOf(IOException.class);
	}

	private static List<List<Integer>> inputs(PropertyCheck check, String name, int tries) {
		List<List<Integer>> inputs = new ArrayList<>();
		check.check(name, tries, LISTS, (input) -> Stream.empty(), inputs::add);
		return inputs;
	}

}
