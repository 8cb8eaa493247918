package dev.kafkatask.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaAdmin;

import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.kafka.TopicProvisioner;
import dev.kafkatask.kafka.TopicProvisioningException;
import dev.kafkatask.kafka.beat.BeatSessionTimeoutException;
import dev.kafkatask.kafka.beat.SessionTimeoutBounds;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskRegistrationException;
import dev.kafkatask.task.TaskRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for kafka-task's failure analyzers: what a developer reads when startup fails.
 *
 * @author kafka-task
 */
class KafkaTaskFailureAnalyzersTests {

	@Test
	void whenSpringBootLoadsFailureAnalyzersThenKafkaTasksAreAmongThem() {
		// Boot's own analyzers need a bean factory to be made: only whether ours load matters here.
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			})))
			.hasAtLeastOneElementOfType(TaskRegistrationFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(TopicProvisioningFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(ScheduleDefinitionFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(BeatSessionTimeoutFailureAnalyzer.class);
	}

	@Test
	void whenATaskMethodCannotBeRegisteredThenTheAnalysisNamesItAndSaysWhatATaskMethodNeeds() {
		Throwable failure = catchThrowable(() -> new TaskRegistry().registerBean(new BadTasks(), BadTasks.class));
		FailureAnalysis analysis = new TaskRegistrationFailureAnalyzer()
			.analyze(new IllegalStateException("context refresh failed", failure));
		assertThat(failure).isInstanceOf(TaskRegistrationException.class);
		assertThat(analysis.getDescription()).contains("BadTasks.work").contains("max_retries");
		assertThat(analysis.getAction()).contains("@KafkaTask method named above");
	}

	@Test
	void whenTheBrokersCannotBeReachedThenTheAnalysisNamesTheClusterAndTheWayOut() {
		KafkaAdmin admin = new KafkaAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9"));
		// The provisioner's calls give up at this timeout, not at the admin client's minute.
		admin.setOperationTimeout(2);
		TopicProvisioner provisioner = new TopicProvisioner(admin, new TaskTopics("analyzer."), Optional.empty(),
				Optional.empty());
		Throwable failure = catchThrowable(() -> provisioner.provision(List.of("orders")));
		assertThat(failure).isInstanceOf(TopicProvisioningException.class);
		FailureAnalysis analysis = new TopicProvisioningFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("analyzer.orders").contains("127.0.0.1:9");
		assertThat(analysis.getAction()).contains("spring.kafka.bootstrap-servers")
			.contains("kafka-task.kafka.create-topics=false");
	}

	@Test
	void whenTheReplicationFactorIsTooHighThenTheAnalysisSaysSo() {
		TopicProvisioningException failure = new TopicProvisioningException(List.of("tasks.orders"), "b1:9092",
				new KafkaException("Failed to create topics",
						new InvalidReplicationFactorException("Replication factor: 3 larger than available brokers: 1")));
		FailureAnalysis analysis = new TopicProvisioningFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("larger than available brokers");
		assertThat(analysis.getAction()).contains("kafka-task.kafka.replication-factor");
	}

	@Test
	void whenTheBrokersDoNotAllowTheBeatsSessionTimeoutThenTheAnalysisNamesThePropertyAndTheirBounds() {
		SessionTimeoutBounds bounds = new SessionTimeoutBounds(Duration.ofSeconds(6), Duration.ofMinutes(30), "1");
		FailureAnalysis analysis = new BeatSessionTimeoutFailureAnalyzer().analyze(new IllegalStateException(
				"Failed to start bean 'kafkaTaskBeat'", new BeatSessionTimeoutException(Duration.ofSeconds(3), bounds, null)));
		assertThat(analysis.getDescription()).contains("kafka-task.beat.session-timeout=3s")
			.contains("6s (group.min.session.timeout.ms) to 30m (group.max.session.timeout.ms)");
		assertThat(analysis.getAction()).startsWith("Set kafka-task.beat.session-timeout between 6s and 30m");
		FailureAnalysis unknownBounds = new BeatSessionTimeoutFailureAnalyzer()
			.analyze(new BeatSessionTimeoutException(Duration.ofSeconds(3), null, null));
		assertThat(unknownBounds.getAction()).startsWith("Set kafka-task.beat.session-timeout within the brokers' "
				+ "group.min.session.timeout.ms and group.max.session.timeout.ms");
	}

	static class BadTasks {

		@KafkaTask(options = "max_retries=many")
		public void work() {
		}

	}

}
