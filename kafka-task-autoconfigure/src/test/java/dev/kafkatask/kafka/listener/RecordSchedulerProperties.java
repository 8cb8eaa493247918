package dev.kafkatask.kafka.listener;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of {@link RecordScheduler}: limits are never exceeded, records of one key (or one
 * partition, in partition mode) run one at a time in offset order, and every record runs
 * exactly once.
 *
 * @author kafka-task
 */
class RecordSchedulerProperties {

	@Property(tries = 300)
	void limitsAndOrderingHold(@ForAll("modes") OrderingMode mode, @ForAll @IntRange(min = 1, max = 8) int maxInFlight,
			@ForAll @IntRange(min = 1, max = 4) int maxPerPartition, @ForAll @IntRange(min = 0, max = 5) int maxWaiting,
			@ForAll("steps") List<Step> steps) {
		List<Running> running = new ArrayList<>();
		List<ConsumerRecord<String, byte[]>> started = new ArrayList<>();
		RecordScheduler scheduler = new RecordScheduler(maxInFlight, maxPerPartition, maxWaiting, (topic) -> mode,
				(record, ticket, release) -> {
					running.add(new Running(record, release));
					started.add(record);
				}, () -> {
				});
		OffsetTracker tracker = new OffsetTracker();
		Map<Integer, Long> nextOffset = new HashMap<>();
		int added = 0;
		for (Step step : steps) {
			if (step.add()) {
				long offset = nextOffset.merge(step.partition(), 1L, Long::sum) - 1;
				ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("t", step.partition(), offset,
						"k" + step.key(), new byte[0]);
				scheduler.add(record, tracker.received(new TopicPartition("t", step.partition()), offset));
				added++;
				scheduler.dispatch();
			}
			else if (!running.isEmpty()) {
				running.remove(step.pick() % running.size()).release().run();
			}
			assertLimits(mode, maxInFlight, maxPerPartition, running);
		}
		while (!running.isEmpty()) {
			running.remove(0).release().run();
			scheduler.dispatch();
			assertLimits(mode, maxInFlight, maxPerPartition, running);
		}
		assertThat(started).hasSize(added);
		assertThat(new HashSet<>(started.stream().map((r) -> r.partition() + "@" + r.offset()).toList())).hasSize(added);
		assertOrder(mode, started);
		assertThat(scheduler.inFlight()).isZero();
		assertThat(scheduler.waiting()).isZero();
	}

	private static void assertLimits(OrderingMode mode, int maxInFlight, int maxPerPartition, List<Running> running) {
		assertThat(running.size()).isLessThanOrEqualTo(maxInFlight);
		Map<Integer, Integer> perPartition = new HashMap<>();
		Set<String> keys = new HashSet<>();
		for (Running task : running) {
			int count = perPartition.merge(task.record().partition(), 1, Integer::sum);
			assertThat(count).isLessThanOrEqualTo((mode == OrderingMode.PARTITION) ? 1 : maxPerPartition);
			if (mode == OrderingMode.KEY) {
				assertThat(keys.add(task.record().partition() + "/" + task.record().key()))
					.as("two records of key %s run at once", task.record().key())
					.isTrue();
			}
		}
	}

	private static void assertOrder(OrderingMode mode, List<ConsumerRecord<String, byte[]>> started) {
		if (mode == OrderingMode.UNORDERED) {
			return;
		}
		Map<String, Long> lastOffset = new HashMap<>();
		for (ConsumerRecord<String, byte[]> record : started) {
			String group = record.partition() + ((mode == OrderingMode.KEY) ? "/" + record.key() : "");
			Long previous = lastOffset.put(group, record.offset());
			if (previous != null) {
				assertThat(record.offset()).as("order within %s", group).isGreaterThan(previous);
			}
		}
	}

	@Provide
	Arbitrary<OrderingMode> modes() {
		return Arbitraries.of(OrderingMode.class);
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		return Combinators
			.combine(Arbitraries.of(true, true, false), Arbitraries.integers().between(0, 1),
					Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1000))
			.as(Step::new)
			.list()
			.ofMaxSize(80);
	}

	record Step(boolean add, int partition, int key, int pick) {
	}

	record Running(ConsumerRecord<String, byte[]> record, Runnable release) {
	}

}
