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
	 * Resolve a configured protocol: {@link GroupProtocolMode#AUTO} asks the brokers.
	 * @param mode the configured protocol
	 * @param adminConfiguration configuration of an admin client for the cluster
	 * @param timeout how long to wait for the brokers' answer
	 * @return the protocol to use
	 */
	public static GroupProtocol resolve(GroupProtocolMode mode, Map<String, Object> adminConfiguration,
			Duration timeout) {
		return switch (mode) {
			case CONSUMER -> GroupProtocol.CONSUMER;
			case CLASSIC -> GroupProtocol.CLASSIC;
			case AUTO -> detect(adminConfiguration, timeout);
		};
	}

	private static GroupProtocol detect(Map<String, Object> adminConfiguration, Duration timeout) {
		Map<String, Object> config = new HashMap<>(adminConfiguration);
		config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-task-protocol-check");
		int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
		config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
		config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
		Admin admin = Admin.create(config);
		try {
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
		finally {
			// Without a timeout, close() waits for the unanswered call: a minute while the
			// brokers are down, and the worker's start with it.
			admin.close(Duration.ZERO);
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
			Object sessionTimeout = config.remove(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
			Object heartbeat = config.remove(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
			if (sessionTimeout != null || heartbeat != null) {
				// The brokers set them under this protocol: say so rather than drop them unseen.
				logger.warn("The consumer group protocol ignores session.timeout.ms (" + sessionTimeout
						+ ") and heartbeat.interval.ms (" + heartbeat + "): the brokers' group.consumer.session"
						+ ".timeout.ms and group.consumer.heartbeat.interval.ms apply; with"
						+ " kafka-task.worker.group-protocol=classic the consumer's own do");
			}
		}
		else {
			config.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
					CooperativeStickyAssignor.class.getName());
		}
	}

}
