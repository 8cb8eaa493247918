package dev.kafkatask.test.property;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Checks that an invariant holds for many generated inputs: a property test on plain JUnit 5.
 * <p>
 * Every property has a fixed seed, derived from its name, so that every build tries the same
 * inputs. System properties change a run:
 * <ul>
 * <li>{@value #SEED_PROPERTY}: the seed of every property checked, to replay a failure, or
 * {@code random} for a fresh seed per property and run;</li>
 * <li>{@value #TRIES_FACTOR_PROPERTY}: a factor applied to the tries of every property,
 * {@code 10} for a longer run, {@code 0.1} for a quicker one.</li>
 * </ul>
 * <p>
 * A failure is an {@link AssertionError} naming the property, the seed, the try and the
 * input, with the invariant's failure as its cause. With a shrinker, the report also gives
 * the smallest failing input the shrinker found (greedily, within
 * {@value #MAX_SHRINK_RUNS} runs of the invariant).
 *
 * @author kafka-task
 */
public final class PropertyCheck {

	/**
	 * System property with the seed of every property, or {@code random}. Not under
	 * {@code kafka-task.}: system properties reach the Spring environment of the tests in the
	 * same JVM, where kafka-task's properties are bound strictly (an unknown one fails).
	 */
	public static final String SEED_PROPERTY = "kafkatask.property.seed";

	/**
	 * System property with a factor applied to the tries of every property.
	 */
	public static final String TRIES_FACTOR_PROPERTY = "kafkatask.property.tries-factor";

	/**
	 * Longest description of an input or a failure that a report holds.
	 */
	static final int MAX_DESCRIPTION_CHARS = 2_000;

	/**
	 * Most runs of the invariant spent shrinking a failing input.
	 */
	static final int MAX_SHRINK_RUNS = 2_000;

	private final Function<String, @Nullable String> settings;

	PropertyCheck(Function<String, @Nullable String> settings) {
		this.settings = settings;
	}

	/**
	 * Check that an invariant holds for the inputs of a number of tries.
	 * @param <T> the type of input
	 * @param name the name of the property, the source of its seed
	 * @param tries the number of inputs to try
	 * @param generator builds an input from a random generator
	 * @param invariant what must hold for every input
	 * @throws AssertionError if the invariant fails for an input
	 */
	public static <T> void forAll(String name, int tries, Function<RandomGenerator, T> generator,
			Invariant<T> invariant) {
		forAll(name, tries, generator, (input) -> Stream.empty(), invariant);
	}

	/**
	 * Check that an invariant holds for the inputs of a number of tries, shrinking a failing
	 * input before reporting it.
	 * @param <T> the type of input
	 * @param name the name of the property, the source of its seed
	 * @param tries the number of inputs to try
	 * @param generator builds an input from a random generator
	 * @param shrinker smaller variants of an input, the most promising first
	 * @param invariant what must hold for every input
	 * @throws AssertionError if the invariant fails for an input
	 * @see #shorterLists(List)
	 */
	public static <T> void forAll(String name, int tries, Function<RandomGenerator, T> generator,
			Function<T, Stream<T>> shrinker, Invariant<T> invariant) {
		new PropertyCheck(System::getProperty).check(name, tries, generator, shrinker, invariant);
	}

	/**
	 * Shrinker of lists: the list without ever smaller runs of its elements, from all of them
	 * (the empty list) down to each single element.
	 * @param <E> the type of element
	 * @param list the list to shrink
	 * @return the shorter lists
	 */
	public static <E> Stream<List<E>> shorterLists(List<E> list) {
		int size = list.size();
		return IntStream.iterate(size, (chunk) -> chunk > 0, (chunk) -> chunk / 2)
			.boxed()
			.flatMap((chunk) -> IntStream.iterate(0, (start) -> start < size, (start) -> start + chunk)
				.mapToObj((start) -> without(list, start, Math.min(size, start + chunk))));
	}

	private static <E> List<E> without(List<E> list, int from, int to) {
		List<E> shorter = new ArrayList<>(list.subList(0, from));
		shorter.addAll(list.subList(to, list.size()));
		return shorter;
	}

	<T> void check(String name, int tries, Function<RandomGenerator, T> generator, Function<T, Stream<T>> shrinker,
			Invariant<T> invariant) {
		long seed = seed(name);
		int scaledTries = scaledTries(tries);
		SplittableRandom random = new SplittableRandom(seed);
		for (int index = 0; index < scaledTries; index++) {
			T input = generate(name, seed, index, generator, random.split());
			Throwable failure = failure(invariant, input);
			if (failure != null) {
				Shrunk<T> shrunk = shrink(new Shrunk<>(input, failure, 0), shrinker, invariant);
				throw report(name, seed, index, scaledTries, input, failure, shrunk);
			}
		}
	}

	long seed(String name) {
		String setting = this.settings.apply(SEED_PROPERTY);
		if (setting == null || setting.isBlank()) {
			return seedOf(name);
		}
		if (setting.strip().equals("random")) {
			return ThreadLocalRandom.current().nextLong();
		}
		try {
			return Long.parseLong(setting.strip());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					SEED_PROPERTY + " must be a long or 'random', not '" + setting + "'", ex);
		}
	}

	/**
	 * Return the fixed seed of a property: the 64-bit FNV-1a hash of its name.
	 * @param name the name of the property
	 * @return its seed
	 */
	static long seedOf(String name) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
			hash ^= b & 0xff;
			hash *= 0x100000001b3L;
		}
		return hash;
	}

	int scaledTries(int tries) {
		String setting = this.settings.apply(TRIES_FACTOR_PROPERTY);
		if (setting == null || setting.isBlank()) {
			return tries;
		}
		double factor;
		try {
			factor = Double.parseDouble(setting.strip());
		}
		catch (NumberFormatException ex) {
			factor = Double.NaN;
		}
		if (!(factor > 0) || Double.isInfinite(factor)) {
			throw new IllegalArgumentException(
					TRIES_FACTOR_PROPERTY + " must be a number greater than 0, not '" + setting + "'");
		}
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(tries * factor)));
	}

	private static <T> T generate(String name, long seed, int index, Function<RandomGenerator, T> generator,
			RandomGenerator random) {
		try {
			return generator.apply(random);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Generating the input of try " + (index + 1) + " of property '" + name
					+ "' failed (seed " + seed + ")", ex);
		}
	}

	private static <T> @Nullable Throwable failure(Invariant<T> invariant, T input) {
		try {
			invariant.verify(input);
			return null;
		}
		catch (Exception | AssertionError ex) {
			return ex;
		}
	}

	private static <T> Shrunk<T> shrink(Shrunk<T> failing, Function<T, Stream<T>> shrinker, Invariant<T> invariant) {
		Shrunk<T> smallest = failing;
		int runs = 0;
		boolean smaller = true;
		while (smaller && runs < MAX_SHRINK_RUNS) {
			smaller = false;
			try (Stream<T> candidates = shrinker.apply(smallest.input())) {
				Iterator<T> iterator = candidates.iterator();
				while (!smaller && iterator.hasNext() && runs < MAX_SHRINK_RUNS) {
					T candidate = iterator.next();
					runs++;
					Throwable failure = failure(invariant, candidate);
					if (failure != null) {
						smallest = new Shrunk<>(candidate, failure, smallest.steps() + 1);
						smaller = true;
					}
				}
			}
		}
		return smallest;
	}

	private AssertionError report(String name, long seed, int index, int tries, Object input, Throwable failure,
			Shrunk<?> shrunk) {
		StringBuilder message = new StringBuilder();
		message.append("Property '")
			.append(name)
			.append("' failed on try ")
			.append(index + 1)
			.append(" of ")
			.append(tries)
			.append(" with seed ")
			.append(seed)
			.append(".\nReplay it with -D")
			.append(SEED_PROPERTY)
			.append('=')
			.append(seed);
		String factor = this.settings.apply(TRIES_FACTOR_PROPERTY);
		if (factor != null && !factor.isBlank()) {
			message.append(" -D").append(TRIES_FACTOR_PROPERTY).append('=').append(factor.strip());
		}
		message.append("\nInput: ").append(describe(input));
		if (shrunk.steps() > 0) {
			message.append("\nShrunk in ")
				.append(shrunk.steps())
				.append((shrunk.steps() == 1) ? " step" : " steps")
				.append(" to: ")
				.append(describe(shrunk.input()))
				.append("\nwhich fails with: ")
				.append(describe(shrunk.failure()));
		}
		message.append("\nFailure: ").append(describe(failure));
		AssertionError error = new AssertionError(message.toString(), failure);
		if (shrunk.steps() > 0) {
			error.addSuppressed(shrunk.failure());
		}
		return error;
	}

	/**
	 * Return an object's {@code toString()}, cut to {@value #MAX_DESCRIPTION_CHARS} characters.
	 * @param object the object
	 * @return its description
	 */
	static String describe(@Nullable Object object) {
		String text;
		try {
			text = String.valueOf(object);
		}
		catch (RuntimeException ex) {
			text = "<toString() failed: " + ex + ">";
		}
		if (text.length() <= MAX_DESCRIPTION_CHARS) {
			return text;
		}
		return text.substring(0, MAX_DESCRIPTION_CHARS) + "... (" + (text.length() - MAX_DESCRIPTION_CHARS)
				+ " more characters)";
	}

	/**
	 * What must hold for every input of a property.
	 *
	 * @param <T> the type of input
	 */
	@FunctionalInterface
	public interface Invariant<T> {

		/**
		 * Verify the invariant for one input.
		 * @param input the input
		 * @throws Exception if it does not hold (an {@link AssertionError} will do as well)
		 */
		void verify(T input) throws Exception;

	}

	private record Shrunk<T>(T input, Throwable failure, int steps) {
	}

}
