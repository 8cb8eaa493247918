package dev.kafkatask.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.kafka.beat.Beat;
import dev.kafkatask.kafka.beat.BeatSettings;
import dev.kafkatask.kafka.beat.LeaderElection;
import dev.kafkatask.kafka.beat.ScheduleStateStore;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.schedule.KafkaTaskSchedule;
import dev.kafkatask.schedule.MissedSlots;
import dev.kafkatask.schedule.Schedule;
import dev.kafkatask.schedule.ScheduleDefinitionException;
import dev.kafkatask.schedule.ScheduleTrigger;
import dev.kafkatask.task.KafkaTask;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link KafkaTaskBeatAutoConfiguration}, without a broker.
 *
 * @author kafka-task
 */
class KafkaTaskBeatAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaTaskAutoConfiguration.class,
				KafkaTaskKafkaAutoConfiguration.class, KafkaTaskDispatchAutoConfiguration.class,
				KafkaTaskBeatAutoConfiguration.class))
		.withPropertyValues(BrokerFree.PROPERTIES)
		.withPropertyValues("kafka-task.kafka.topic-prefix=beat.", "kafka-task.worker.group-id=billing")
		.withUserConfiguration(Tasks.class);

	@Test
	void whenAWorkerRunsThenItsBeatElectsInAGroupOfItsOwnOnTopicsOfKafkaTasksOwn() {
		this.contextRunner.run((context) -> {
			Beat beat = context.getBean(Beat.class);
			assertThat(beat.getSettings().groupId()).isEqualTo("billing.beat");
			assertThat(beat.getSettings().leaderTopic()).isEqualTo("beat.__beat.leader");
			assertThat(beat.getSettings().stateTopic()).isEqualTo("beat.__beat.state");
			assertThat(beat.isAutoStartup()).isFalse();
			assertThat(beat.isRunning()).isFalse();
		});
	}

	@Test
	void whenSchedulesAreAnnotatedAndConfiguredThenPropertiesReplaceAnnotationsOfTheSameName() {
		this.contextRunner
			.withPropertyValues("kafka-task.schedules.[billing.tick].task=billing.tick",
					"kafka-task.schedules.[billing.tick].cron=0 0 * * * *",
					"kafka-task.schedules.[billing.tick].zone=Europe/Paris",
					"kafka-task.schedules.nightly.task=billing.tick", "kafka-task.schedules.nightly.fixed-rate=2s",
					"kafka-task.schedules.nightly.args=[7]", "kafka-task.schedules.nightly.missed=fire-all",
					"kafka-task.schedules.nightly.missed-limit=3", "kafka-task.schedules.nightly.options.expires=60")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Beat beat = context.getBean(Beat.class);
				assertThat(beat.schedules()).extracting(Schedule::name).containsExactly("billing.tick", "nightly");
				Schedule tick = beat.schedules().get(0);
				assertThat(tick.trigger().describe()).isEqualTo("cron 0 0 * * * * Europe/Paris");
				Schedule nightly = beat.schedules().get(1);
				assertThat(nightly.trigger()).isEqualTo(new ScheduleTrigger.FixedRate(Duration.ofSeconds(2)));
				assertThat(nightly.missed()).isEqualTo(MissedSlots.FIRE_ALL);
				assertThat(nightly.missedLimit()).isEqualTo(3);
				assertThat(nightly.args()).hasSize(1);
			});
	}

	@Test
	void whenAScheduleIsSwitchedOffInPropertiesThenItsAnnotationFiresNot() {
		this.contextRunner.withPropertyValues("kafka-task.schedules.[billing.tick].enabled=false")
			.run((context) -> assertThat(context.getBean(Beat.class).schedules()).isEmpty());
	}

	@Test
	void whenAScheduleNamesAnUnknownTaskThenStartupFailsWithAnAnalysisNamingIt() {
		this.contextRunner
			.withPropertyValues("kafka-task.schedules.ghost.task=billing.ghost",
					"kafka-task.schedules.ghost.fixed-rate=5s")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isInstanceOf(ScheduleDefinitionException.class)
					.hasMessageContaining("Schedule 'ghost' (kafka-task.schedules.[ghost]) names task 'billing.ghost'");
				FailureAnalysis analysis = new ScheduleDefinitionFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("billing.ghost");
				assertThat(analysis.getAction()).contains("Periodic tasks");
			});
	}

	@Test
	void whenAScheduleHasBothCronAndRateThenStartupFails() {
		this.contextRunner
			.withPropertyValues("kafka-task.schedules.both.task=billing.tick", "kafka-task.schedules.both.cron=@hourly",
					"kafka-task.schedules.both.fixed-rate=5s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("both cron and fixed-rate are set"));
	}

	@Test
	void whenTheSessionTimeoutIsSetThenTheElectionAsksForIt() {
		this.contextRunner.withPropertyValues("kafka-task.beat.session-timeout=45s")
			.run((context) -> assertThat(context.getBean(Beat.class).getSettings().sessionTimeout())
				.isEqualTo(Duration.ofSeconds(45)));
	}

	@Test
	void whenTheSessionTimeoutIsBelowASecondThenStartupFailsNamingTheProperty() {
		// a plain number is milliseconds: '6' meant seconds
		this.contextRunner.withPropertyValues("kafka-task.beat.session-timeout=6").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("kafka-task.beat.session-timeout");
					assertThat(ex.getValue()).isEqualTo(Duration.ofMillis(6));
					assertThat(ex.getReason()).contains("at least 1s (a plain number is milliseconds)")
						.contains("group.min.session.timeout.ms");
				});
		});
	}

	@Test
	void whenTheBeatIsDisabledThenThereIsNone() {
		this.contextRunner.withPropertyValues("kafka-task.beat.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Beat.class));
	}

	@Test
	void whenTheApplicationOnlyDispatchesThenItTakesNoPartInTheElection() {
		this.contextRunner.withPropertyValues("kafka-task.worker.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Beat.class));
	}

	@Test
	void whenTheApplicationDefinesItsOwnBeatThenTheAutoConfigurationBacksOff() {
		BeatSettings settings = BeatSettings.of("own", "own.");
		Beat own = new Beat(settings,
				new LeaderElection(new DefaultKafkaConsumerFactory<>(Map.of()), settings.leaderTopic(), "own"),
				new ScheduleStateStore(new DefaultKafkaConsumerFactory<>(Map.of()),
						new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of())), settings.stateTopic(),
						Duration.ofSeconds(1)),
				(task, args, kwargs, options) -> CompletableFuture.failedFuture(new IllegalStateException()), List::of,
				() -> {
				}, TaskObserver.NONE);
		this.contextRunner.withBean("ownBeat", Beat.class, () -> own)
			.run((context) -> assertThat(context).doesNotHaveBean("kafkaTaskBeat").getBean(Beat.class).isSameAs(own));
	}

	@Configuration(proxyBeanMethods = false)
	static class Tasks {

		@Bean
		BillingTasks billingTasks() {
			return new BillingTasks();
		}

	}

	static class BillingTasks {

		@KafkaTask(name = "billing.tick")
		@KafkaTaskSchedule(fixedRate = "1s")
		public void tick() {
		}

	}

}
