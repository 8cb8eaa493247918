package dev.kafkatask.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.common.config.TopicConfig;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.kafka.GroupProtocols;
import dev.kafkatask.kafka.KafkaTaskProducer;
import dev.kafkatask.kafka.TopicProvisioner;
import dev.kafkatask.kafka.beat.Beat;
import dev.kafkatask.kafka.beat.BeatGroupView;
import dev.kafkatask.kafka.beat.BeatSessionTimeoutException;
import dev.kafkatask.kafka.beat.BeatSettings;
import dev.kafkatask.kafka.beat.LeaderElection;
import dev.kafkatask.kafka.beat.ScheduleStateStore;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.schedule.ScheduleDefinition;
import dev.kafkatask.schedule.Schedules;
import dev.kafkatask.task.TaskRegistry;

/**
 * Auto-configuration of periodic tasks, Celery beat on Kafka: the {@link Beat} of the
 * worker group, where a worker runs and {@code kafka-task.beat.enabled} is not
 * {@code false}. Its instances elect a leader through a consumer group of their own
 * ({@code <worker group>.beat}) and only the leader fires the schedules of
 * {@code @KafkaTaskSchedule} and {@code kafka-task.schedules.*}. Applications that only
 * dispatch take no part.
 * <p>
 * {@code kafka-task.beat.session-timeout} is checked twice: here, at least one second (a
 * plain number is milliseconds: {@code 10} is no session timeout anyone wants); and when the
 * beat starts, against what the brokers allow, which fails the startup with a
 * {@link BeatSessionTimeoutException} (explained by {@code BeatSessionTimeoutFailureAnalyzer}).
 *
 * @author kafka-task
 */
@AutoConfiguration(after = { KafkaTaskKafkaAutoConfiguration.class, KafkaTaskDispatchAutoConfiguration.class })
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBean({ TaskWorker.class, TaskDispatcher.class })
@ConditionalOnBooleanProperty(name = "kafka-task.beat.enabled", matchIfMissing = true)
public final class KafkaTaskBeatAutoConfiguration {

	/**
	 * The shortest {@code kafka-task.beat.session-timeout} taken without asking the brokers.
	 */
	static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(1);

	@Bean
	@ConditionalOnMissingBean
	Beat kafkaTaskBeat(KafkaTaskProperties properties, TaskWorker worker, TaskRegistry registry,
			TaskDispatcher dispatcher, KafkaTaskProducer producer, ObjectProvider<TopicProvisioner> provisioner,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, ObjectProvider<KafkaAdmin> kafkaAdmin,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
			ObjectProvider<TaskObserver> observers) {
		BeatSettings settings = BeatSettings.of(worker.getSettings().groupId(), properties.getKafka().getTopicPrefix())
			.withSessionTimeout(sessionTimeout(properties));
		ConsumerFactory<?, ?> base = consumerFactory.getIfAvailable();
		Map<String, Object> config = new HashMap<>((base != null) ? base.getConfigurationProperties() : Map.of());
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		KafkaAdmin admin = kafkaAdmin.getIfAvailable();
		Map<String, Object> adminConfig = new HashMap<>((admin != null) ? admin.getConfigurationProperties() : config);
		Map<String, Object> stateConfig = new HashMap<>(config);
		stateConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
		// Read from the beginning: a reader that lost its place must not skip to the end.
		stateConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		// The classic protocol, whose session timeout is the consumer's: the longest pause of
		// periodic tasks after their leader crashed. A one-partition group gains nothing from
		// KIP-848's incremental rebalances.
		GroupProtocols.apply(config, GroupProtocol.CLASSIC);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
		int session = (int) settings.sessionTimeout().toMillis();
		config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
		// Heartbeats at least every second: a member learns of a leader that left that soon.
		config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(100, Math.min(1000, session / 3)));
		LeaderElection election = new LeaderElection(
				KafkaTaskKafkaAutoConfiguration.taskConsumerFactory(config, consumerCustomizers), settings.leaderTopic(),
				"kafka-task-beat");
		ScheduleStateStore state = new ScheduleStateStore(
				KafkaTaskKafkaAutoConfiguration.taskConsumerFactory(stateConfig, consumerCustomizers),
				producer.getTemplate(), settings.stateTopic(), settings.sendTimeout());
		TopicProvisioner topics = properties.getKafka().isCreateTopics() ? provisioner.getIfAvailable() : null;
		Runnable topicSetup = (topics != null) ? () -> topics.provisionSinglePartition(Map.of(settings.leaderTopic(),
				Map.of(), settings.stateTopic(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))
				: () -> {
				};
		Beat beat = new Beat(settings, election, state, dispatcher,
				() -> Schedules.resolve(registry, configuredSchedules(properties), disabledSchedules(properties)),
				topicSetup, TaskObserver.composite(observers.orderedStream().toList()));
		beat.setGroupView(new BeatGroupView(() -> Admin.create(adminConfig), settings.groupId(), settings.leaderTopic()));
		// It dispatches to the worker's queues: it starts when the worker does.
		beat.setAutoStartup(worker.isAutoStartup());
		return beat;
	}

	/**
	 * Return {@code kafka-task.beat.session-timeout}, refused below
	 * {@link #MIN_SESSION_TIMEOUT} or beyond what Kafka's clients take (an {@code int} of
	 * milliseconds). The brokers' own bounds are asked when the beat starts.
	 */
	static Duration sessionTimeout(KafkaTaskProperties properties) {
		Duration timeout = properties.getBeat().getSessionTimeout();
		if (timeout.compareTo(MIN_SESSION_TIMEOUT) < 0 || timeout.toMillis() > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(BeatSessionTimeoutException.PROPERTY, timeout,
					"The beat's session timeout must be at least 1s (a plain number is milliseconds) and at most "
							+ Integer.MAX_VALUE + "ms; the brokers allow 6s to 30m unless configured otherwise"
							+ " (group.min.session.timeout.ms, group.max.session.timeout.ms)");
		}
		return timeout;
	}

	/**
	 * Read the schedules once every task is registered, so that a schedule that is not valid
	 * fails the startup, whether or not the beat starts.
	 */
	@Bean
	@ConditionalOnBean(Beat.class)
	SmartInitializingSingleton kafkaTaskBeatSchedules(Beat beat) {
		return beat::schedules;
	}

	private static List<ScheduleDefinition> configuredSchedules(KafkaTaskProperties properties) {
		List<ScheduleDefinition> definitions = new ArrayList<>();
		properties.getSchedules().forEach((name, schedule) -> {
			if (schedule.isEnabled()) {
				definitions.add(schedule.toDefinition(name));
			}
		});
		return definitions;
	}

	private static List<String> disabledSchedules(KafkaTaskProperties properties) {
		return properties.getSchedules().entrySet().stream().filter((entry) -> !entry.getValue().isEnabled())
			.map(Map.Entry::getKey).toList();
	}

}
