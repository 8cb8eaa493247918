package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.mock.MockConsumerFactory;

import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link TaskEventReader}: how long questions wait for the first read of a cluster
 * that does not answer.
 *
 * @author kafka-task
 */
class TaskEventReaderTests {

	private static final Duration FIRST_READ_TIMEOUT = Duration.ofMillis(300);

	private final TaskEventReader named = reader("east", false);

	private final TaskEventReader defaultCluster = reader("default", true);

	@AfterEach
	void stop() {
		this.named.stop();
		this.defaultCluster.stop();
	}

	@Test
	void whenANamedClusterDoesNotAnswerThenOnlyQuestionsWithinTheFirstReadsTimeoutWaitForIt() throws Exception {
		this.named.start();
		long asked = System.nanoTime();
		assertThat(this.named.awaitFirstRead(asked + Duration.ofSeconds(5).toNanos())).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("until the first read's timeout, not the deadline")
			.isLessThan(Duration.ofSeconds(2));
		asked = System.nanoTime();
		assertThat(this.named.awaitFirstRead(asked + Duration.ofSeconds(5).toNanos())).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("past it, not at all")
			.isLessThan(Duration.ofMillis(100));
	}

	@Test
	void whenTheDefaultClusterDoesNotAnswerThenEveryQuestionWaitsForItUntilItsDeadline() throws Exception {
		this.defaultCluster.start();
		Thread.sleep(FIRST_READ_TIMEOUT.toMillis());
		long asked = System.nanoTime();
		assertThat(this.defaultCluster.awaitFirstRead(asked + Duration.ofMillis(500).toNanos())).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
	}

	private static TaskEventReader reader(String cluster, boolean everyQuestion) {
		TopicReader reader = new TopicReader(TaskEventLog.THREAD, "kafka-task-events-test-" + cluster,
				new MockConsumerFactory<String, byte[]>(() -> {
					throw new KafkaException("cluster '" + cluster + "' does not answer");
				}), "tasks.__events", Duration.ofHours(1), (record) -> {
				}, () -> {
				}, TaskObserver.NONE, Clock.systemUTC());
		return new TaskEventReader(cluster, reader, everyQuestion, FIRST_READ_TIMEOUT);
	}

}
