package dev.kafkatask.kafka.beat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;

/**
 * Leadership of a group of instances, from Kafka's group membership alone: every instance
 * subscribes a consumer of the same group to a topic of one partition, and the one that is
 * assigned the partition leads. The group coordinator gives the partition to another member
 * only once the leader has let it go (its rebalance listener ran, in its own poll) or has
 * left the group, or its session has timed out; so two instances lead at once only when a
 * leader is cut off from the coordinator and goes on (see the README's periodic tasks).
 * <p>
 * Not thread-safe: one thread polls; {@link #isLeader()}, {@link #term()},
 * {@link #memberId()} and {@link #wakeUp()} may be called from others.
 *
 * @author kafka-task
 */
public class LeaderElection {

	private static final Log logger = LogFactory.getLog(LeaderElection.class);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String topic;

	private final String clientIdSuffix;

	private @Nullable Consumer<String, byte[]> consumer;

	private volatile boolean leader;

	private volatile long term;

	private volatile String memberId = "";

	/**
	 * Create an election.
	 * @param consumerFactory creates the consumer, configured with the group
	 * @param topic the one-partition topic
	 * @param clientIdSuffix the consumer's client id suffix
	 */
	public LeaderElection(ConsumerFactory<String, byte[]> consumerFactory, String topic, String clientIdSuffix) {
		this.consumerFactory = consumerFactory;
		this.topic = topic;
		this.clientIdSuffix = clientIdSuffix;
	}

	/**
	 * Poll once: join the group the first time, keep membership, and learn of a change of
	 * leadership (the rebalance listener runs in here).
	 * @param timeout the longest wait
	 */
	public void poll(Duration timeout) {
		Consumer<String, byte[]> current = this.consumer;
		if (current == null) {
			current = this.consumerFactory.createConsumer(null, this.clientIdSuffix, null);
			this.consumer = current;
			int partitions = current.partitionsFor(this.topic).size();
			if (partitions == 0) {
				throw new IllegalStateException("The beat's leader topic '" + this.topic + "' does not exist: create it"
						+ " with one partition, or let kafka-task create it (kafka-task.kafka.create-topics)");
			}
			if (partitions != 1) {
				// Each partition would make a leader of its own.
				throw new IllegalStateException("The beat's leader topic '" + this.topic + "' has " + partitions
						+ " partitions: it must have exactly one (delete it, kafka-task creates it again)");
			}
			current.subscribe(List.of(this.topic), new Listener());
		}
		// Nobody writes to the topic: records, if any, mean nothing.
		current.poll(timeout);
		this.memberId = current.groupMetadata().memberId();
	}

	/**
	 * Whether this instance leads, as of its last poll.
	 * @return whether it leads
	 */
	public boolean isLeader() {
		return this.leader;
	}

	/**
	 * Return the term of leadership: a number that changes each time this instance becomes
	 * the leader, so that it reads the state again.
	 * @return the term
	 */
	public long term() {
		return this.term;
	}

	/**
	 * Return this instance's member id in the group, as of its last poll.
	 * @return the member id, empty before it joined
	 */
	public String memberId() {
		return this.memberId;
	}

	/**
	 * End a blocking poll, from another thread.
	 */
	public void wakeUp() {
		Consumer<String, byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
	}

	/**
	 * Close the consumer: leave the group, so that another member leads at once, or stay in
	 * it as a crashed instance would, so that another member leads only when this one's
	 * session has timed out.
	 * @param leaveGroup whether to leave the group
	 */
	public void close(boolean leaveGroup) {
		this.leader = false;
		this.memberId = "";
		Consumer<String, byte[]> current = this.consumer;
		this.consumer = null;
		if (current == null) {
			return;
		}
		try {
			CloseOptions options = CloseOptions.timeout(CLOSE_TIMEOUT);
			if (!leaveGroup) {
				options = options.withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
			}
			current.close(options);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not close the beat's leader election consumer cleanly", ex);
		}
	}

	private final class Listener implements ConsumerRebalanceListener {

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			if (!partitions.isEmpty() && LeaderElection.this.leader) {
				LeaderElection.this.leader = false;
				logger.info("Beat: this instance no longer leads (" + LeaderElection.this.topic + " revoked)");
			}
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			if (!partitions.isEmpty() && LeaderElection.this.leader) {
				LeaderElection.this.leader = false;
				logger.warn("Beat: this instance lost its leadership (" + LeaderElection.this.topic
						+ " lost: its session timed out)");
			}
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			if (!partitions.isEmpty() && !LeaderElection.this.leader) {
				LeaderElection.this.term++;
				LeaderElection.this.leader = true;
				logger.info("Beat: this instance leads (" + LeaderElection.this.topic + " assigned)");
			}
		}

	}

}
