package dev.kafkatask.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code fuzz}: N records made by {@link EnvelopeMutations} from a seed (valid envelopes
 * with random mutations, some barely JSON) are written raw to the queue's topic while a
 * worker runs. The invariant: every record ends in exactly one outcome (it ran, failed,
 * expired, was abandoned or was dead-lettered; a deferred one ends later, once), every
 * dead letter counted is in the dead-letter topic, and the group's committed offsets reach
 * the end of every partition. The seed is printed: the same seed sends the same records.
 *
 * @author kafka-task
 */
final class FuzzScenario implements Scenario {

	private static final List<String> TERMINAL = List.of("success", "failure", "expired", "dead_lettered",
			"abandoned");

	@Override
	public Result run(BenchmarkRun run) throws Exception {
		BenchmarkOptions options = run.options();
		if (options.engine() != Engine.KAFKA_TASK) {
			throw new IllegalArgumentException("fuzz runs kafka-task's worker only");
		}
		int tasks = options.tasksOr(100_000);
		long seed = (options.seed() != null) ? options.seed() : ThreadLocalRandom.current().nextLong();
		run.say(String.format(Locale.ROOT, "fuzzing with %d records, seed %d", tasks, seed));
		String topic = run.topic(BenchmarkTasks.QUEUE);
		try (ConfigurableApplicationContext context = run.workerContext(Map.of())) {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			EnvelopeMutations mutations = new EnvelopeMutations(seed, BenchmarkTasks.FUZZ, Instant.now());
			long start = System.nanoTime();
			try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
					Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers(),
							ProducerConfig.LINGER_MS_CONFIG, 5),
					new ByteArraySerializer(), new ByteArraySerializer())) {
				for (int i = 0; i < tasks; i++) {
					producer.send(new ProducerRecord<>(topic, i % options.partitions(),
							("fuzz-" + i).getBytes(StandardCharsets.UTF_8), mutations.next(i)));
				}
				producer.flush();
			}
			double sendSeconds = Result.seconds(System.nanoTime() - start);
			run.say(String.format(Locale.ROOT, "sent %d records in %.2f s", tasks, sendSeconds));
			Runnable stopProgress = run.progress(() -> String.format(Locale.ROOT, "settled %d/%d %s",
					terminal(meters), tasks, outcomes(meters)));
			boolean done;
			try {
				done = BenchmarkRun.waitFor(() -> settled(run, meters, topic, tasks), options.timeout());
			}
			finally {
				stopProgress.run();
			}
			double seconds = Result.seconds(System.nanoTime() - start);
			Map<TopicPartition, Long> ends = run.endOffsets(topic);
			long end = ends.values().stream().mapToLong(Long::longValue).sum();
			long committed = run.committed(ends.keySet());
			long deadLetterRecords = run.endOffsets(topic + ".dlt").values().stream().mapToLong(Long::longValue).sum();
			Map<String, Long> outcomes = outcomes(meters);
			long terminal = terminal(meters);
			long deadLetters = Math.round(sum(meters, "kafka.task.dead.letters", null));
			Result result = new Result().put("tasks", tasks)
				.put("seed", seed)
				.put("seconds", seconds)
				.put("sendSeconds", sendSeconds)
				.put("settled", terminal)
				.put("unsettled", tasks - terminal)
				.put("deadLetterRecords", deadLetterRecords)
				.put("deadLettersCounted", deadLetters)
				.put("committedOffsets", committed)
				.put("endOffsets", end)
				.put("timedOut", !done);
			outcomes.forEach(result::put);
			reasons(meters).forEach((reason, count) -> result.put("reason." + reason, count));
			return result;
		}
	}

	private static boolean settled(BenchmarkRun run, MeterRegistry meters, String topic, int tasks) {
		if (terminal(meters) < tasks) {
			return false;
		}
		try {
			Map<TopicPartition, Long> ends = run.endOffsets(topic);
			return run.committed(ends.keySet()) >= ends.values().stream().mapToLong(Long::longValue).sum();
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return false;
		}
	}

	private static long terminal(MeterRegistry meters) {
		return TERMINAL.stream().mapToLong((outcome) -> Math.round(sum(meters, "kafka.task.executions", outcome))).sum();
	}

	private static Map<String, Long> outcomes(MeterRegistry meters) {
		Map<String, Long> outcomes = new HashMap<>();
		for (Counter counter : meters.find("kafka.task.executions").counters()) {
			outcomes.merge(counter.getId().getTag("outcome"), Math.round(counter.count()), Long::sum);
		}
		return outcomes;
	}

	private static Map<String, Long> reasons(MeterRegistry meters) {
		Map<String, Long> reasons = new HashMap<>();
		for (Counter counter : meters.find("kafka.task.dead.letters").counters()) {
			reasons.merge(counter.getId().getTag("reason"), Math.round(counter.count()), Long::sum);
		}
		return reasons;
	}

	private static double sum(MeterRegistry meters, String name, @Nullable String outcome) {
		return ((outcome != null) ? meters.find(name).tag("outcome", outcome) : meters.find(name)).counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

}
