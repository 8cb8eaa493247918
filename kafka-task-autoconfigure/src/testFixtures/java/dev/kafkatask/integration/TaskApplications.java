package dev.kafkatask.integration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.apache.kafka.common.TopicPartition;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.test.TestConsumptionMode;

/**
 * Starts real kafka-task applications against the shared broker, each test on topics and a
 * consumer group of its own.
 *
 * @author kafka-task
 */
final class TaskApplications {

	private final String prefix = "it" + UUID.randomUUID().toString().substring(0, 8) + ".";

	private final TaskJournal journal = new TaskJournal();

	String prefix() {
		return this.prefix;
	}

	String topic(String queue) {
		return this.prefix + queue;
	}

	String groupId() {
		return this.prefix + "workers";
	}

	TaskJournal journal() {
		return this.journal;
	}

	ConfigurableApplicationContext start(String... properties) {
		return start(new Class<?>[0], properties);
	}

	/**
	 * Start an application whose queues are consumed in the given mode.
	 * @param mode how its worker consumes its queues
	 * @param properties the other properties
	 * @return the running application
	 */
	ConfigurableApplicationContext start(ConsumptionMode mode, String... properties) {
		String[] all = new String[properties.length + 1];
		all[0] = "kafka-task.worker.default-mode=" + mode.name().toLowerCase(Locale.ROOT);
		System.arraycopy(properties, 0, all, 1, properties.length);
		return start(all);
	}

	/**
	 * Return the mode of this run of the tests ({@link TestConsumptionMode}).
	 * @return the mode of applications that do not name theirs
	 */
	ConsumptionMode mode() {
		return ConsumptionMode.valueOf(TestConsumptionMode.name());
	}

	/**
	 * Return how many records of a partition this run's workers have not settled yet.
	 * @param partition the partition
	 * @return the records not settled, negative before the group read the partition
	 * @throws Exception if the offsets cannot be read
	 */
	long unsettled(TopicPartition partition) throws Exception {
		return unsettled(mode(), partition);
	}

	/**
	 * Return how many records of a partition the workers of a mode have not settled yet:
	 * those after the group's commit, or the share group's lag.
	 * @param mode how the workers consume
	 * @param partition the partition
	 * @return the records not settled, negative before the group read the partition
	 * @throws Exception if the offsets cannot be read
	 */
	long unsettled(ConsumptionMode mode, TopicPartition partition) throws Exception {
		if (mode == ConsumptionMode.SHARE) {
			return TopicOffsets.shareLag(groupId() + "-share", partition);
		}
		long committed = TopicOffsets.committedOffset(groupId(), partition);
		return (committed >= 0) ? TopicOffsets.endOffset(partition) - committed : -1;
	}

	/**
	 * Start an application with configurations of the test's own beside the usual ones.
	 * @param configurations the test's configurations
	 * @param properties the properties
	 * @return the running application
	 */
	ConfigurableApplicationContext start(Class<?>[] configurations, String... properties) {
		List<String> all = new ArrayList<>(List.of("kafka-task.kafka.topic-prefix=" + this.prefix,
				"kafka-task.worker.group-id=" + groupId(), "kafka-task.worker.commit-interval=100ms",
				"kafka-task.worker.poll-timeout=200ms", "kafka-task.kafka.partitions=3", "spring.main.banner-mode=off",
				"kafka-task.worker.pinning.enabled=false"));
		// the whole run in one mode (a test that names its mode still wins)
		all.add("kafka-task.worker.default-mode=" + mode().name().toLowerCase(Locale.ROOT));
		all.addAll(List.of(properties));
		List<Class<?>> sources = new ArrayList<>(List.of(App.class));
		sources.addAll(List.of(configurations));
		// As command-line arguments: they win over the shared brokers' system properties, so
		// that a test can point the application elsewhere (through a proxy, at a closed port).
		return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(WebApplicationType.NONE)
			.initializers((context) -> context.getBeanFactory().registerSingleton("taskJournal", this.journal))
			.run(arguments(all));
	}

	/**
	 * Return the properties as command-line arguments, a later one of the same name winning
	 * (the usual properties first, the test's after them).
	 */
	private static String[] arguments(List<String> properties) {
		java.util.Map<String, String> byName = new java.util.LinkedHashMap<>();
		for (String property : properties) {
			int equals = property.indexOf('=');
			byName.put(property.substring(0, equals), property.substring(equals + 1));
		}
		return byName.entrySet().stream().map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		JournalTasks journalTasks(TaskJournal journal) {
			return new JournalTasks(journal);
		}

	}

}
