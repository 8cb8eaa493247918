package dev.kafkatask.kafka.beat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.jspecify.annotations.Nullable;

/**
 * The beat's consumer group as the brokers see it, through an admin client made on first
 * use: which member owns the leader topic (the leader, as any instance can learn it from the
 * group coordinator), and which session timeouts the brokers allow. Nothing is asked until
 * someone wants to know: the {@code kafkatasks} endpoint, the beat when it starts.
 * <p>
 * Thread-safe.
 *
 * @author kafka-task
 */
public class BeatGroupView {

	private static final Log logger = LogFactory.getLog(BeatGroupView.class);

	/**
	 * How long the brokers may take to tell the session timeouts they allow.
	 */
	private static final Duration BOUNDS_TIMEOUT = Duration.ofSeconds(5);

	private final Supplier<Admin> adminFactory;

	private final String groupId;

	private final String leaderTopic;

	private @Nullable Admin admin;

	/**
	 * Create a view.
	 * @param adminFactory makes the admin client, on first use and after {@link #close()}
	 * @param groupId the beat's consumer group
	 * @param leaderTopic the topic whose owner leads
	 */
	public BeatGroupView(Supplier<Admin> adminFactory, String groupId, String leaderTopic) {
		this.adminFactory = adminFactory;
		this.groupId = groupId;
		this.leaderTopic = leaderTopic;
	}

	/**
	 * Ask the group coordinator which member of the beat's group owns the leader topic.
	 * @param timeout how long to wait for the answer
	 * @return the leader, or {@code null} when no member owns the topic (no member, or a
	 * rebalance under way)
	 * @throws Exception if the brokers did not answer in time, or refused
	 */
	public @Nullable Member leader(Duration timeout) throws Exception {
		KafkaFuture<ConsumerGroupDescription> described = admin()
			.describeConsumerGroups(List.of(this.groupId), new DescribeConsumerGroupsOptions().timeoutMs(millis(timeout)))
			.describedGroups()
			.get(this.groupId);
		try {
			return leaderOf(described.get(wait(timeout), TimeUnit.MILLISECONDS), this.leaderTopic);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof GroupIdNotFoundException) {
				return null;
			}
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	/**
	 * Return the member of a group that owns a topic.
	 * @param group the group as described
	 * @param leaderTopic the topic
	 * @return the member, or {@code null} when none owns it
	 */
	static @Nullable Member leaderOf(ConsumerGroupDescription group, String leaderTopic) {
		for (MemberDescription member : group.members()) {
			if (member.assignment().topicPartitions().stream().anyMatch((tp) -> tp.topic().equals(leaderTopic))) {
				return new Member(member.consumerId(), member.clientId(), member.host());
			}
		}
		return null;
	}

	/**
	 * Ask a broker which session timeouts it allows a member of a classic group.
	 * @param timeout how long to wait for each answer
	 * @return the bounds
	 * @throws Exception if the brokers did not answer in time, or refused (describing a
	 * broker's configuration takes {@code DESCRIBE_CONFIGS} on the cluster)
	 */
	public SessionTimeoutBounds sessionTimeoutBounds(Duration timeout) throws Exception {
		Admin client = admin();
		try {
			Node broker = client.describeCluster(new DescribeClusterOptions().timeoutMs(millis(timeout)))
				.nodes()
				.get(wait(timeout), TimeUnit.MILLISECONDS)
				.stream()
				.min(Comparator.comparingInt(Node::id))
				.orElseThrow(() -> new IllegalStateException("The cluster named no broker"));
			ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, broker.idString());
			Config config = client.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(millis(timeout)))
				.values()
				.get(resource)
				.get(wait(timeout), TimeUnit.MILLISECONDS);
			return SessionTimeoutBounds.of(config, broker.idString());
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	/**
	 * Check a session timeout against what the brokers allow, where they tell it.
	 * @param sessionTimeout the session timeout of the election
	 * @throws BeatSessionTimeoutException if the brokers do not allow it
	 */
	public void checkSessionTimeout(Duration sessionTimeout) {
		SessionTimeoutBounds bounds;
		try {
			bounds = sessionTimeoutBounds(BOUNDS_TIMEOUT);
		}
		catch (Exception ex) {
			interrupted(ex);
			logger.info("Beat: could not ask the brokers which session timeouts they allow (" + ex
					+ "); the election's join will tell");
			return;
		}
		if (!bounds.allow(sessionTimeout)) {
			throw new BeatSessionTimeoutException(sessionTimeout, bounds, null);
		}
	}

	/**
	 * Say why the brokers refused the election's join, with their bounds where they tell
	 * them.
	 * @param sessionTimeout the session timeout of the election
	 * @param refusal the refusal ({@code InvalidSessionTimeoutException})
	 * @return what to throw
	 */
	public BeatSessionTimeoutException sessionTimeoutRefused(Duration sessionTimeout, Throwable refusal) {
		SessionTimeoutBounds bounds = null;
		try {
			bounds = sessionTimeoutBounds(BOUNDS_TIMEOUT);
		}
		catch (Exception ex) {
			interrupted(ex);
			logger.debug("Beat: could not ask the brokers which session timeouts they allow", ex);
		}
		return new BeatSessionTimeoutException(sessionTimeout, bounds, refusal);
	}

	private static void interrupted(Exception ex) {
		if (ex instanceof InterruptedException) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Close the admin client, if one was made; the next question makes another.
	 */
	public void close() {
		Admin current;
		synchronized (this) {
			current = this.admin;
			this.admin = null;
		}
		if (current != null) {
			current.close(Duration.ZERO);
		}
	}

	private synchronized Admin admin() {
		Admin current = this.admin;
		if (current == null) {
			current = this.adminFactory.get();
			this.admin = current;
		}
		return current;
	}

	private static int millis(Duration timeout) {
		return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
	}

	/**
	 * The admin client fails a call after its timeout, with the reason: wait a little
	 * longer, so that its exception rather than a bare timeout is what is seen.
	 */
	private static long wait(Duration timeout) {
		return timeout.toMillis() + Math.min(timeout.toMillis(), 1000);
	}

	/**
	 * A member of the beat's group.
	 *
	 * @param memberId its member id, given by the coordinator
	 * @param clientId its client id
	 * @param host its address as the coordinator sees it
	 */
	public record Member(String memberId, String clientId, String host) {
	}

}
