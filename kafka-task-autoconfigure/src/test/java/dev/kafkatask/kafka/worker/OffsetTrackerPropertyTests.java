package dev.kafkatask.kafka.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of {@link OffsetTracker}: whatever order records are received, finished,
 * committed, revoked and re-assigned in, a commit never passes a record that has not
 * finished, and once everything finished the commit reaches the end.
 *
 * @author kafka-task
 */
class OffsetTrackerPropertyTests {

	private static final TopicPartition P0 = new TopicPartition("t", 0);

	private static final TopicPartition P1 = new TopicPartition("t", 1);

	@Test
	void commitNeverPassesAnUnfinishedRecord() {
		PropertyCheck.forAll("commitNeverPassesAnUnfinishedRecord", 500,
				(random) -> Generators.list(random, 0, 300, Operation::generate), PropertyCheck::shorterLists,
				OffsetTrackerPropertyTests::commitNeverPassesAnUnfinishedRecord);
	}

	private static void commitNeverPassesAnUnfinishedRecord(List<Operation> operations) {
		OffsetTracker tracker = new OffsetTracker();
		Map<TopicPartition, Long> nextOffset = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
		Map<TopicPartition, List<Received>> unfinished = new TreeMap<>(
				(a, b) -> Integer.compare(a.partition(), b.partition()));
		Map<TopicPartition, Long> committedSoFar = new TreeMap<>(
				(a, b) -> Integer.compare(a.partition(), b.partition()));
		List<OffsetTracker.Ticket> staleTickets = new ArrayList<>();
		for (Operation operation : operations) {
			TopicPartition partition = (operation.partition() == 0) ? P0 : P1;
			List<Received> open = unfinished.computeIfAbsent(partition, (key) -> new ArrayList<>());
			switch (operation.kind()) {
				case RECEIVE -> {
					long offset = nextOffset.getOrDefault(partition, 0L) + operation.gap();
					nextOffset.put(partition, offset + 1);
					open.add(new Received(offset, tracker.received(partition, offset)));
				}
				case FINISH -> {
					if (!open.isEmpty()) {
						Received done = open.remove(operation.pick() % open.size());
						done.ticket().finished();
					}
				}
				case COMMIT -> {
					Map<TopicPartition, OffsetAndMetadata> committable = tracker.committable();
					committable.forEach((tp, offset) -> {
						long lowestOpen = unfinished.getOrDefault(tp, List.of())
							.stream()
							.mapToLong(Received::offset)
							.min()
							.orElse(Long.MAX_VALUE);
						assertThat(offset.offset()).as("commit of %s", tp).isLessThanOrEqualTo(lowestOpen);
						assertThat(offset.offset()).isGreaterThanOrEqualTo(committedSoFar.getOrDefault(tp, -1L));
						// The metadata never claims that an unfinished record finished.
						Set<Long> claimed = CommitMetadata.decode(offset.offset(), offset.metadata());
						unfinished.getOrDefault(tp, List.of())
							.forEach((pending) -> assertThat(claimed).doesNotContain(pending.offset()));
						committedSoFar.put(tp, offset.offset());
					});
					tracker.committed(committable);
				}
				case REVOKE -> {
					tracker.forget(List.of(partition));
					open.forEach((received) -> staleTickets.add(received.ticket()));
					open.clear();
					committedSoFar.remove(partition);
				}
			}
			if (operation.pick() % 7 == 0 && !staleTickets.isEmpty()) {
				staleTickets.remove(0).finished();
			}
		}
		// Finish everything: the commit then reaches the offset after the last received record.
		unfinished.values().forEach((open) -> open.forEach((received) -> received.ticket().finished()));
		Map<TopicPartition, OffsetAndMetadata> last = tracker.committable();
		unfinished.forEach((partition, open) -> {
			if (tracker.unfinished(partition) == 0 && last.containsKey(partition)) {
				assertThat(last.get(partition).offset()).isEqualTo(nextOffset.get(partition));
			}
		});
	}

	enum Kind {

		RECEIVE, FINISH, COMMIT, REVOKE

	}

	record Operation(Kind kind, int partition, int gap, int pick) {

		static Operation generate(RandomGenerator random) {
			// Weighted 10 : 8 : 3 : 1.
			int weight = random.nextInt(22);
			Kind kind = (weight < 10) ? Kind.RECEIVE : (weight < 18) ? Kind.FINISH : (weight < 21) ? Kind.COMMIT
					: Kind.REVOKE;
			return new Operation(kind, Generators.intBetween(random, 0, 1), Generators.intBetween(random, 0, 3),
					Generators.intBetween(random, 0, 1000));
		}

	}

	record Received(long offset, OffsetTracker.Ticket ticket) {
	}

}
