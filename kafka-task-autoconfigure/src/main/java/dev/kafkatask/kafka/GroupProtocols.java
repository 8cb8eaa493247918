package dev.kafkatask.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;

/**
 * Chooses the consumer group protocol of task consumers: KIP-848's {@code consumer} protocol
 * where the brokers support it (feature {@code group.version} finalized at 1 or more), which
 * rebalances incrementally on the broker without stopping the group; otherwise the
 * {@code classic} protocol with the cooperative-sticky assignor.
 *
 * @author kafka-task
 */
public final class GroupProtocols {

	private static final Log logger = LogFactory.getLog(GroupProtocols.class);

	private GroupProtocols() {
	}

	/**
	 * Resolve a configured protocol: {@code auto} asks the brokers.
	 * @param configured {@code auto}, {@code consumer} or {@code classic}
	 * @param adminConfiguration configuration of an admin client for the cluster
	 * @param timeout how long to wait for the brokers' answer
	 * @return the protocol to use
	 */
	public static GroupProtocol resolve(String configured, Map<String, Object> adminConfiguration, Duration timeout) {
		return switch (configured.toLowerCase(Locale.ROOT)) {
			case "consumer" -> GroupProtocol.CONSUMER;
			case "classic" -> GroupProtocol.CLASSIC;
			case "auto" -> detect(adminConfiguration, timeout);
			default -> throw new IllegalArgumentException(
					"Unknown group protocol '" + configured + "': use auto, consumer or classic");
		};
	}

	private static GroupProtocol detect(Map<String, Object> adminConfiguration, Duration timeout) {
		Map<String, Object> config = new HashMap<>(adminConfiguration);
		config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-task-protocol-check");
		try (Admin admin = Admin.create(config)) {
			FinalizedVersionRange groupVersion = admin.describeFeatures()
				.featureMetadata()
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS)
				.finalizedFeatures()
				.get("group.version");
			boolean supported = groupVersion != null && groupVersion.maxVersionLevel() >= 1;
			return supported ? GroupProtocol.CONSUMER : GroupProtocol.CLASSIC;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("Could not ask the brokers whether they support the consumer group protocol; using classic: "
					+ ex);
			return GroupProtocol.CLASSIC;
		}
	}

	/**
	 * Adjust a consumer configuration to a protocol: the {@code consumer} protocol assigns on
	 * the broker and refuses client-side assignment and session settings; the {@code classic}
	 * protocol gets the cooperative-sticky assignor unless one is configured.
	 * @param config the consumer configuration to adjust
	 * @param protocol the protocol
	 */
	public static void apply(Map<String, Object> config, GroupProtocol protocol) {
		config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol.name().toLowerCase(Locale.ROOT));
		if (protocol == GroupProtocol.CONSUMER) {
			config.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
			config.remove(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
			config.remove(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
		}
		else {
			config.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
					CooperativeStickyAssignor.class.getName());
		}
	}

}
