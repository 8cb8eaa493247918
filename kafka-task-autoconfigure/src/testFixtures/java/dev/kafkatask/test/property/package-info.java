/**
 * Seeded, replayable property tests on plain JUnit 5: {@link PropertyCheck} runs an
 * invariant over generated inputs and reports the seed that replays a failure;
 * {@link Generators} builds the inputs from a {@link java.util.random.RandomGenerator}.
 */
@NullMarked
package dev.kafkatask.test.property;

import org.jspecify.annotations.NullMarked;
