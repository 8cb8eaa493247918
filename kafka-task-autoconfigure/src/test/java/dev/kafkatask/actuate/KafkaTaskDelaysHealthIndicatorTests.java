package dev.kafkatask.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.kafka.worker.DeadLetterPublisher;
import dev.kafkatask.kafka.worker.DelayForwarder;
import dev.kafkatask.kafka.worker.DelayTargets;
import dev.kafkatask.kafka.worker.MockDelayTopics;
import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link KafkaTaskDelaysHealthIndicator}, over a delay forwarder reading
 * {@link MockDelayTopics}.
 *
 * @author kafka-task
 */
class KafkaTaskDelaysHealthIndicatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MockDelayTopics topics = new MockDelayTopics();

	private final TopicPartition tier = new TopicPartition("tasks.__delay.1s", 0);

	private final DelayForwarder forwarder = forwarder();

	private final KafkaTaskDelaysHealthIndicator indicator = new KafkaTaskDelaysHealthIndicator(this.forwarder);

	@AfterEach
	void stopForwarder() {
		this.forwarder.stop();
	}

	@Test
	void whenTheForwarderMovesRecordsOnThenItIsUp() {
		this.topics.append(this.tier, Long.toString(System.currentTimeMillis() - 1000), "tasks.orders", "it.count");
		this.forwarder.start();
		await().atMost(TIMEOUT).until(() -> this.topics.committed(this.tier) == 1);
		Health health = this.indicator.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("group", "app.delays")
			.containsEntry("running", true)
			.doesNotContainKeys("consecutiveFailures", "failingSince", "error");
	}

	@Test
	void whileTheForwarderKeepsFailingThenItIsDownWithItsLastFailureAndUpAgainOnceItSucceeds() {
		this.topics.append(this.tier, Long.toString(System.currentTimeMillis() - 1000), "tasks.orders", "it.count");
		this.topics.failCommits(3);
		this.forwarder.start();
		await().atMost(TIMEOUT).until(() -> this.indicator.health(true).getStatus().equals(Status.DOWN));
		Health down = this.indicator.health(true);
		assertThat(down.getDetails()).containsEntry("group", "app.delays")
			.containsEntry("running", true)
			.containsKeys("consecutiveFailures", "failingSince");
		assertThat((int) down.getDetails().get("consecutiveFailures")).isPositive();
		assertThat((String) down.getDetails().get("error")).contains("Commit failed on purpose");
		await().atMost(TIMEOUT).until(() -> this.indicator.health(true).getStatus().equals(Status.UP)
				&& this.topics.committed(this.tier) == 1);
	}

	@Test
	void whenTheForwarderFailsAgainAndAgainThenTheDetailsCountTheFailuresInARowSinceTheFirst() {
		this.topics.append(this.tier, Long.toString(System.currentTimeMillis() - 1000), "tasks.orders", "it.count");
		this.topics.failCommits(100);
		this.forwarder.start();
		await().atMost(TIMEOUT).until(() -> consecutiveFailures() >= 1);
		Object firstFailingSince = this.indicator.health(true).getDetails().get("failingSince");
		await().atMost(TIMEOUT).until(() -> consecutiveFailures() >= 3);
		Health down = this.indicator.health(true);
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("failingSince", firstFailingSince);
		assertThat(this.forwarder.isRunning()).isTrue();
	}

	private int consecutiveFailures() {
		Object failures = this.indicator.health(true).getDetails().get("consecutiveFailures");
		return (failures != null) ? (int) failures : 0;
	}

	private DelayForwarder forwarder() {
		DelayTiers tiers = new DelayTiers("tasks.", List.of(Duration.ofSeconds(1)));
		TaskTopics taskTopics = new TaskTopics("tasks.");
		return new DelayForwarder(this.topics.consumerFactory(), "app.delays",
				new DelayedTaskPublisher(this.topics.template(), tiers, Clock.systemUTC()),
				new DeadLetterPublisher(this.topics.template(), taskTopics),
				new DelayTargets(taskTopics, tiers, Set.of("orders")::contains, Set.of()), TaskObserver.NONE,
				Clock.systemUTC());
	}

}
