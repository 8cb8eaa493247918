package dev.kafkatask.kafka.beat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of what {@link BeatGroupView} and {@link SessionTimeoutBounds} read from the
 * brokers' answers.
 *
 * @author kafka-task
 */
class BeatGroupViewTests {

	private static final String TOPIC = "tasks.__beat.leader";

	@Test
	void whenAMemberOwnsTheLeaderTopicThenItIsTheLeader() {
		ConsumerGroupDescription group = group(GroupState.STABLE, member("a", Set.of()),
				member("b", Set.of(new TopicPartition(TOPIC, 0))));
		assertThat(BeatGroupView.leaderOf(group, TOPIC))
			.isEqualTo(new BeatGroupView.Member("b", "kafka-task-beat", "/10.0.0.2"));
	}

	@Test
	void whenNoMemberOwnsTheLeaderTopicThenThereIsNoLeader() {
		assertThat(BeatGroupView.leaderOf(group(GroupState.PREPARING_REBALANCE, member("a", Set.of())), TOPIC)).isNull();
		assertThat(BeatGroupView.leaderOf(group(GroupState.EMPTY), TOPIC)).isNull();
		assertThat(BeatGroupView.leaderOf(
				group(GroupState.STABLE, member("a", Set.of(new TopicPartition("other.__beat.leader", 0)))), TOPIC))
			.isNull();
	}

	@Test
	void whenABrokerTellsItsGroupSessionTimeoutsThenTheyAreTheBounds() {
		SessionTimeoutBounds bounds = SessionTimeoutBounds.of(new Config(List.of(
				new ConfigEntry("group.min.session.timeout.ms", "6000"),
				new ConfigEntry("group.max.session.timeout.ms", "1800000"))), "1");
		assertThat(bounds).isEqualTo(new SessionTimeoutBounds(Duration.ofSeconds(6), Duration.ofMinutes(30), "1"));
		assertThat(bounds.allow(Duration.ofSeconds(6))).isTrue();
		assertThat(bounds.allow(Duration.ofMinutes(30))).isTrue();
		assertThat(bounds.allow(Duration.ofMillis(5999))).isFalse();
		assertThat(bounds.allow(Duration.ofMinutes(31))).isFalse();
		assertThat(bounds).hasToString(
				"6s (group.min.session.timeout.ms) to 30m (group.max.session.timeout.ms) on broker 1");
		assertThat(SessionTimeoutBounds.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThat(SessionTimeoutBounds.format(Duration.ofSeconds(90))).isEqualTo("90s");
	}

	@Test
	void whenABrokerDoesNotTellItsBoundsThenItSaysWhich() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SessionTimeoutBounds.of(
					new Config(List.of(new ConfigEntry("group.min.session.timeout.ms", "6000"))), "3"))
			.withMessage("Broker 3 did not tell its group.max.session.timeout.ms");
	}

	private static MemberDescription member(String id, Set<TopicPartition> assignment) {
		return new MemberDescription(id, Optional.empty(), "kafka-task-beat",
				"/10.0.0." + (id.charAt(0) - 'a' + 1), new MemberAssignment(assignment));
	}

	private static ConsumerGroupDescription group(GroupState state, MemberDescription... members) {
		return new ConsumerGroupDescription("workers.beat", false, List.of(members), "cooperative-sticky",
				GroupType.CLASSIC, state, new Node(1, "localhost", 9092), Set.of(), Optional.empty(), Optional.empty());
	}

}
