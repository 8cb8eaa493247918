package dev.kafkatask.kafka.worker;

import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ShareConsumer;

/**
 * What a {@link TaskWorker} needs to consume some of its topics with a share group.
 *
 * @param settings the share consumers' settings
 * @param topics tells which of the worker's topics are consumed by the share group; the
 * others stay with its consumer group
 * @param consumers makes a share consumer in explicit acknowledgement mode, subscribed to
 * nothing yet
 * @param group asks the brokers about the share group
 * @author kafka-task
 */
public record ShareConsumption(ShareSettings settings, Predicate<String> topics,
		Supplier<ShareConsumer<String, byte[]>> consumers, ShareGroupAdmin group) {
}
