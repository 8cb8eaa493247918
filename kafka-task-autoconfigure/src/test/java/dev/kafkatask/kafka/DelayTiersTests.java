package dev.kafkatask.kafka;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DelayTiers}, and for how {@link TaskTopics} reads their topics.
 *
 * @author kafka-task
 */
class DelayTiersTests {

	private final DelayTiers tiers = new DelayTiers("tasks.", List.of(Duration.ofSeconds(5), Duration.ofMillis(500)));

	private final TaskTopics topics = new TaskTopics("tasks.");

	@Test
	void whenTiersAreNamedThenEachHasATopicAndTheyShareOneDeadLetterTopicThatIsNoTier() {
		assertThat(this.tiers.topics()).containsExactly("tasks.__delay.500ms", "tasks.__delay.5s");
		assertThat(this.tiers.deadLetterTopic()).isEqualTo("tasks.__delay.dlt");
		assertThat(this.tiers.topics()).doesNotContain(this.tiers.deadLetterTopic());
		assertThat(this.tiers.tier(this.tiers.deadLetterTopic())).isNull();
	}

	@Test
	void whenTopicIsATierThenItIsADelayTopicButTheDeadLetterTopicIsNot() {
		assertThat(this.tiers.isDelayTopic("tasks.__delay.5s")).isTrue();
		assertThat(this.tiers.isDelayTopic("tasks.__delay.dlt")).isFalse();
		assertThat(this.tiers.isDelayTopic("tasks.orders")).isFalse();
	}

	@Test
	void whenTopicIsADelayTopicOrTheirDeadLetterTopicThenItHasNoQueue() {
		assertThat(this.topics.queue("tasks.__delay.5s")).isNull();
		assertThat(this.topics.queue(this.tiers.deadLetterTopic())).isNull();
		assertThat(this.topics.queue("tasks.orders.high")).isEqualTo("orders");
	}

}
