package dev.kafkatask.test.property;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Building blocks of the generators of {@link PropertyCheck}. Numbers and sizes are drawn
 * uniformly, except that one draw in ten is an edge case (a bound, or zero, one, minus one
 * when in range), as bugs gather there. Everything depends only on the random generator
 * given, never on the iteration order of a hashed collection, so that a seed replays.
 *
 * @author kafka-task
 */
public final class Generators {

	private static final int EDGE_ONE_IN = 10;

	private static final int MAX_ATTEMPTS = 1_000;

	private static final char[] WHITESPACE_AND_CONTROLS = { ' ', '\t', '\n', '\r', '\0', '\u007f', '\u001f', '\u00a0',
			'\u2028', '\u3000' };

	private Generators() {
	}

	/**
	 * Return an {@code int} between two bounds.
	 * @param random the source of randomness
	 * @param min the lowest value, inclusive
	 * @param max the highest value, inclusive
	 * @return the value
	 */
	public static int intBetween(RandomGenerator random, int min, int max) {
		return (int) longBetween(random, min, max);
	}

	/**
	 * Return a {@code long} between two bounds.
	 * @param random the source of randomness
	 * @param min the lowest value, inclusive
	 * @param max the highest value, inclusive
	 * @return the value
	 */
	public static long longBetween(RandomGenerator random, long min, long max) {
		if (min > max) {
			throw new IllegalArgumentException("min " + min + " > max " + max);
		}
		if (random.nextInt(EDGE_ONE_IN) == 0) {
			long[] edges = { min, max, 0, 1, -1 };
			long edge = edges[random.nextInt(edges.length)];
			return (edge >= min && edge <= max) ? edge : min;
		}
		if (max == Long.MAX_VALUE) {
			return (min == Long.MIN_VALUE) ? random.nextLong() : random.nextLong(min - 1, max) + 1;
		}
		return random.nextLong(min, max + 1);
	}

	/**
	 * Return any {@code long}, small ones more often than their share.
	 * @param random the source of randomness
	 * @return the value
	 */
	public static long anyLong(RandomGenerator random) {
		return switch (random.nextInt(3)) {
			case 0 -> longBetween(random, -1_000, 1_000);
			default -> longBetween(random, Long.MIN_VALUE, Long.MAX_VALUE);
		};
	}

	/**
	 * Return a {@code double} between two bounds.
	 * @param random the source of randomness
	 * @param min the lowest value, inclusive
	 * @param max the highest value, exclusive (but drawn as an edge case)
	 * @return the value
	 */
	public static double doubleBetween(RandomGenerator random, double min, double max) {
		if (random.nextInt(EDGE_ONE_IN) == 0) {
			double[] edges = { min, max, 0, 1, -1 };
			double edge = edges[random.nextInt(edges.length)];
			return (edge >= min && edge <= max) ? edge : min;
		}
		return random.nextDouble(min, max);
	}

	/**
	 * Return one of some values.
	 * @param <T> the type of value
	 * @param random the source of randomness
	 * @param values the values to pick from
	 * @return the value picked
	 */
	@SafeVarargs
	public static <T> T pick(RandomGenerator random, T... values) {
		return values[random.nextInt(values.length)];
	}

	/**
	 * Return one of some values.
	 * @param <T> the type of value
	 * @param random the source of randomness
	 * @param values the values to pick from
	 * @return the value picked
	 */
	public static <T> T pick(RandomGenerator random, List<T> values) {
		return values.get(random.nextInt(values.size()));
	}

	/**
	 * Return the value of one of some generators.
	 * @param <T> the type of value
	 * @param random the source of randomness
	 * @param generators the generators to pick from
	 * @return the value of the generator picked
	 */
	@SafeVarargs
	public static <T> T oneOf(RandomGenerator random, Function<RandomGenerator, ? extends T>... generators) {
		return generators[random.nextInt(generators.length)].apply(random);
	}

	/**
	 * Return the first value of a generator that satisfies a condition.
	 * @param <T> the type of value
	 * @param random the source of randomness
	 * @param generator the generator
	 * @param condition the condition
	 * @return the value
	 * @throws IllegalStateException if {@value #MAX_ATTEMPTS} values in a row fail the condition
	 */
	public static <T> T satisfying(RandomGenerator random, Function<RandomGenerator, T> generator,
			Predicate<? super T> condition) {
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			T value = generator.apply(random);
			if (condition.test(value)) {
				return value;
			}
		}
		throw new IllegalStateException(MAX_ATTEMPTS + " generated values in a row failed the condition");
	}

	/**
	 * Return a string of any characters: mostly printable ASCII, also whitespace, controls,
	 * Latin-1, the rest of the Basic Multilingual Plane and supplementary characters (as
	 * surrogate pairs, never split).
	 * @param random the source of randomness
	 * @param minLength the shortest length, in {@code char}s
	 * @param maxLength the longest length, in {@code char}s
	 * @return the string
	 */
	public static String string(RandomGenerator random, int minLength, int maxLength) {
		int length = intBetween(random, minLength, maxLength);
		StringBuilder text = new StringBuilder(length);
		while (text.length() < length) {
			int kind = random.nextInt(10);
			if (kind < 5) {
				text.append((char) random.nextInt(0x20, 0x7f));
			}
			else if (kind == 5) {
				text.append(pickChar(random, WHITESPACE_AND_CONTROLS));
			}
			else if (kind == 6) {
				text.append((char) random.nextInt(0xa0, 0x100));
			}
			else if (kind < 9 || text.length() + 2 > length) {
				int bmp = random.nextInt(0x100, 0xfffe - (Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1));
				text.append((char) ((bmp < Character.MIN_SURROGATE) ? bmp
						: bmp + (Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1)));
			}
			else {
				text.appendCodePoint(random.nextInt(0x10000, 0x30000));
			}
		}
		return text.toString();
	}

	/**
	 * Return a string of characters of a range.
	 * @param random the source of randomness
	 * @param minLength the shortest length
	 * @param maxLength the longest length
	 * @param first the first character of the range
	 * @param last the last character of the range
	 * @return the string
	 */
	public static String string(RandomGenerator random, int minLength, int maxLength, char first, char last) {
		int length = intBetween(random, minLength, maxLength);
		StringBuilder text = new StringBuilder(length);
		while (text.length() < length) {
			text.append((char) random.nextInt(first, last + 1));
		}
		return text.toString();
	}

	/**
	 * Return a list of values of a generator.
	 * @param <E> the type of element
	 * @param random the source of randomness
	 * @param minSize the smallest size
	 * @param maxSize the largest size
	 * @param elements the generator of elements
	 * @return the list
	 */
	public static <E> List<E> list(RandomGenerator random, int minSize, int maxSize,
			Function<RandomGenerator, E> elements) {
		int size = intBetween(random, minSize, maxSize);
		List<E> list = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			list.add(elements.apply(random));
		}
		return list;
	}

	/**
	 * Return a map of keys and values of generators. It may be smaller than the size drawn
	 * when the keys' generator repeats itself.
	 * @param <K> the type of key
	 * @param <V> the type of value
	 * @param random the source of randomness
	 * @param maxSize the largest size
	 * @param keys the generator of keys
	 * @param values the generator of values
	 * @return the map, in the order its keys were drawn
	 */
	public static <K, V> Map<K, V> map(RandomGenerator random, int maxSize, Function<RandomGenerator, K> keys,
			Function<RandomGenerator, V> values) {
		int size = intBetween(random, 0, maxSize);
		Map<K, V> map = new LinkedHashMap<>();
		for (int attempt = 0; map.size() < size && attempt < MAX_ATTEMPTS; attempt++) {
			K key = keys.apply(random);
			if (!map.containsKey(key)) {
				map.put(key, values.apply(random));
			}
		}
		return map;
	}

	/**
	 * Return some of the elements of a list, each at most once, in the list's order.
	 * @param <E> the type of element
	 * @param random the source of randomness
	 * @param elements the elements to choose from
	 * @param maxSize the largest number of elements
	 * @return the elements chosen
	 */
	public static <E> List<E> subset(RandomGenerator random, List<E> elements, int maxSize) {
		int size = intBetween(random, 0, Math.min(maxSize, elements.size()));
		List<Integer> indexes = new ArrayList<>(elements.size());
		for (int i = 0; i < elements.size(); i++) {
			indexes.add(i);
		}
		// Fisher-Yates on the first 'size' positions, with this random generator.
		for (int i = 0; i < size; i++) {
			Collections.swap(indexes, i, random.nextInt(i, indexes.size()));
		}
		List<Integer> chosen = new ArrayList<>(indexes.subList(0, size));
		Collections.sort(chosen);
		return chosen.stream().map(elements::get).toList();
	}

	private static char pickChar(RandomGenerator random, char[] chars) {
		return chars[random.nextInt(chars.length)];
	}

}
