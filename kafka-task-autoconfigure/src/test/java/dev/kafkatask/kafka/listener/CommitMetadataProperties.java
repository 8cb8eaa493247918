package dev.kafkatask.kafka.listener;

import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of {@link CommitMetadata}: finished offsets round-trip within the size limit,
 * and beyond it only the highest ones are dropped (they run again, nothing is claimed that
 * did not finish).
 *
 * @author kafka-task
 */
class CommitMetadataProperties {

	@Property(tries = 300)
	void finishedOffsetsRoundTripWithinTheLimit(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long committed,
			@ForAll @Size(max = 200) Set<@IntRange(min = 1, max = 30_000) Integer> distances) {
		NavigableSet<Long> finished = new TreeSet<>();
		distances.forEach((distance) -> finished.add(committed + distance));
		String metadata = CommitMetadata.encode(committed, finished);
		assertThat(metadata.length()).isLessThanOrEqualTo(CommitMetadata.MAX_CHARS);
		NavigableSet<Long> decoded = CommitMetadata.decode(committed, metadata);
		assertThat(finished).containsAll(decoded);
		NavigableSet<Long> kept = finished.headSet(committed + 1 + (long) (CommitMetadata.MAX_CHARS - 4) / 4 * 3 * 8,
				false);
		assertThat(decoded).containsExactlyElementsOf(kept);
	}

	@Property(tries = 100)
	void foreignMetadataMeansNothingFinished(@ForAll String metadata) {
		assertThat(CommitMetadata.decode(42, "x" + metadata)).isEmpty();
	}

}
