package dev.kafkatask.kafka.worker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.kafkatask.test.property.Generators;
import dev.kafkatask.test.property.PropertyCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of {@link RecordScheduler}: limits are never exceeded, records of one key
 * (or one partition, in partition mode) run one at a time in offset order, and every record
 * runs exactly once.
 *
 * @author kafka-task
 */
class RecordSchedulerPropertyTests {

	@Test
	void limitsAndOrderingHold() {
		PropertyCheck.forAll("limitsAndOrderingHold", 300, Scenario::generate,
				(scenario) -> PropertyCheck.shorterLists(scenario.steps()).map(scenario::withSteps),
				RecordSchedulerPropertyTests::limitsAndOrderingHold);
	}

	private static void limitsAndOrderingHold(Scenario scenario) {
		OrderingMode mode = scenario.mode();
		int maxInFlight = scenario.maxInFlight();
		int maxPerPartition = scenario.maxPerPartition();
		List<Running> running = new ArrayList<>();
		List<ConsumerRecord<String, byte[]>> started = new ArrayList<>();
		RecordScheduler scheduler = new RecordScheduler(maxInFlight, maxPerPartition, scenario.maxWaiting(),
				(topic) -> mode, (record, ticket, release) -> {
					running.add(new Running(record, release));
					started.add(record);
				}, () -> {
				});
		OffsetTracker tracker = new OffsetTracker();
		Map<Integer, Long> nextOffset = new HashMap<>();
		int added = 0;
		for (Step step : scenario.steps()) {
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

	/**
	 * Limits of a scheduler and the steps run against it.
	 */
	record Scenario(OrderingMode mode, int maxInFlight, int maxPerPartition, int maxWaiting, List<Step> steps) {

		static Scenario generate(RandomGenerator random) {
			return new Scenario(Generators.pick(random, OrderingMode.values()), Generators.intBetween(random, 1, 8),
					Generators.intBetween(random, 1, 4), Generators.intBetween(random, 0, 5),
					Generators.list(random, 0, 80, Step::generate));
		}

		Scenario withSteps(List<Step> steps) {
			return new Scenario(this.mode, this.maxInFlight, this.maxPerPartition, this.maxWaiting, steps);
		}

	}

	record Step(boolean add, int partition, int key, int pick) {

		static Step generate(RandomGenerator random) {
			return new Step(Generators.pick(random, true, true, false), Generators.intBetween(random, 0, 1),
					Generators.intBetween(random, 0, 2), Generators.intBetween(random, 0, 1000));
		}

	}

	record Running(ConsumerRecord<String, byte[]> record, Runnable release) {
	}

}
