package dev.kafkatask.autoconfigure;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.kafka.worker.OrderingMode;
import dev.kafkatask.kafka.worker.ShareConsumption;
import dev.kafkatask.kafka.worker.ShareGroupAdmin;
import dev.kafkatask.kafka.worker.ShareSettings;

/**
 * Builds what a worker needs to consume the queues whose mode is {@code share}
 * ({@code kafka-task.worker.mode.<queue>} or {@code default-mode}), from Spring Boot's
 * consumer configuration and {@code kafka-task.worker.share.*}.
 *
 * @author kafka-task
 */
final class ShareConsumers {

	/**
	 * Consumer settings a share consumer refuses: they belong to consumer groups (share
	 * groups keep the offset reset and isolation level as group settings, which
	 * {@link ShareGroupAdmin} sets).
	 */
	private static final List<String> GROUP_ONLY = List.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
			ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
			ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
			ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
			ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
			ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
			ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

	private ShareConsumers() {
	}

	/**
	 * Return the share consumption of a worker, or {@code null} when no queue is consumed by
	 * a share group.
	 * @param worker the worker's properties
	 * @param groupId the worker's consumer group id
	 * @param topics the topics of queues
	 * @param consumerConfig Spring Boot's consumer configuration
	 * @param adminConfig the admin client configuration
	 * @return the share consumption, or {@code null}
	 * @throws InvalidConfigurationPropertyValueException if a share queue is ordered
	 */
	static @Nullable ShareConsumption of(KafkaTaskProperties.Worker worker, String groupId, TaskTopics topics,
			Map<String, Object> consumerConfig, Map<String, Object> adminConfig) {
		checkUnordered(worker);
		if (worker.getDefaultMode() != ConsumptionMode.SHARE && !worker.getMode().containsValue(ConsumptionMode.SHARE)) {
			return null;
		}
		KafkaTaskProperties.Share share = worker.getShare();
		String shareGroupId = (share.getGroupId() != null) ? share.getGroupId() : groupId + "-share";
		int maxPollRecords = (share.getMaxPollRecords() != null) ? share.getMaxPollRecords()
				: Math.max(1, worker.getMaxInFlight() / Math.max(1, share.getConsumers()));
		ShareSettings settings = new ShareSettings(shareGroupId, share.getConsumers(), maxPollRecords,
				share.getMaxDeliveries(), worker.getPollTimeout(), worker.getShutdownTimeout());
		Predicate<String> shareTopics = (topic) -> {
			String queue = topics.queue(topic);
			return queue != null && worker.modeOf(queue) == ConsumptionMode.SHARE;
		};
		Map<String, Object> config = new HashMap<>(consumerConfig);
		GROUP_ONLY.forEach(config::remove);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, shareGroupId);
		config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
		// max.poll.records as a bound, not a hint: it bounds the tasks a consumer runs at once.
		config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
		config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
		Supplier<ShareConsumer<String, byte[]>> consumers = () -> new KafkaShareConsumer<>(config,
				new StringDeserializer(), new ByteArrayDeserializer());
		return new ShareConsumption(settings, shareTopics, consumers, new ShareGroupAdmin(adminConfig, shareGroupId));
	}

	/**
	 * Fail when a queue consumed by a share group is ordered: a share group gives records to
	 * any worker, in no order.
	 */
	private static void checkUnordered(KafkaTaskProperties.Worker worker) {
		if (worker.getDefaultMode() == ConsumptionMode.SHARE && worker.getDefaultOrdering() != OrderingMode.UNORDERED) {
			throw unordered("kafka-task.worker.default-mode", "queues not named in 'kafka-task.worker.mode'",
					"kafka-task.worker.default-ordering", worker.getDefaultOrdering());
		}
		worker.getMode().forEach((queue, mode) -> {
			OrderingMode ordering = worker.getOrdering().getOrDefault(queue, worker.getDefaultOrdering());
			if (mode == ConsumptionMode.SHARE && ordering != OrderingMode.UNORDERED) {
				throw unordered("kafka-task.worker.mode." + queue, "queue '" + queue + "'",
						worker.getOrdering().containsKey(queue) ? "kafka-task.worker.ordering." + queue
								: "kafka-task.worker.default-ordering", ordering);
			}
		});
		worker.getOrdering().forEach((queue, ordering) -> {
			if (worker.modeOf(queue) == ConsumptionMode.SHARE && ordering != OrderingMode.UNORDERED) {
				throw unordered("kafka-task.worker.default-mode", "queue '" + queue + "'",
						"kafka-task.worker.ordering." + queue, ordering);
			}
		});
	}

	private static InvalidConfigurationPropertyValueException unordered(String property, String what,
			String orderingProperty, OrderingMode ordering) {
		return new InvalidConfigurationPropertyValueException(property, "share",
				"A share group delivers records to any worker in no order, but the ordering of " + what + " is "
						+ ordering.name().toLowerCase(java.util.Locale.ROOT) + " (" + orderingProperty
						+ "). Consume ordered queues with the consumer group (mode 'group').");
	}

}
