package dev.kafkatask.kafka.worker;

import java.util.LinkedHashSet;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of {@link CommitMetadata}: finished offsets round-trip within the size limit,
 * and beyond it only the highest ones are dropped (they run again, nothing is claimed that
 * did not finish).
 *
 * @author kafka-task
 */
class CommitMetadataPropertyTests {

	@Test
	void finishedOffsetsRoundTripWithinTheLimit() {
		PropertyCheck.forAll("finishedOffsetsRoundTripWithinTheLimit", 300, Finished::generate, (input) -> {
			long committed = input.committed();
			NavigableSet<Long> finished = new TreeSet<>();
			input.distances().forEach((distance) -> finished.add(committed + distance));
			String metadata = CommitMetadata.encode(committed, finished);
			assertThat(metadata.length()).isLessThanOrEqualTo(CommitMetadata.MAX_CHARS);
			NavigableSet<Long> decoded = CommitMetadata.decode(committed, metadata);
			assertThat(finished).containsAll(decoded);
			NavigableSet<Long> kept = finished
				.headSet(committed + 1 + (long) (CommitMetadata.MAX_CHARS - 4) / 4 * 3 * 8, false);
			assertThat(decoded).containsExactlyElementsOf(kept);
		});
	}

	@Test
	void foreignMetadataMeansNothingFinished() {
		PropertyCheck.forAll("foreignMetadataMeansNothingFinished", 100, (random) -> Generators.string(random, 0, 255),
				(metadata) -> assertThat(CommitMetadata.decode(42, "x" + metadata)).isEmpty());
	}

	/**
	 * A committed offset and the distances from it of up to 200 finished records.
	 */
	record Finished(long committed, Set<Integer> distances) {

		static Finished generate(RandomGenerator random) {
			int size = Generators.intBetween(random, 0, 200);
			Set<Integer> distances = new LinkedHashSet<>();
			while (distances.size() < size) {
				distances.add(Generators.intBetween(random, 1, 30_000));
			}
			return new Finished(Generators.longBetween(random, 0, Long.MAX_VALUE / 2), distances);
		}

	}

}
