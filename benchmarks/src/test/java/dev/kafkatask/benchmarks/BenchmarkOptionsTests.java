package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link BenchmarkOptions}.
 *
 * @author kafka-task
 */
class BenchmarkOptionsTests {

	@Test
	void whenOnlyScenarioAndBrokerAreGivenThenDefaultsApply() {
		BenchmarkOptions options = BenchmarkOptions.parse("table", "--bootstrap-servers", "localhost:19092");
		assertThat(options.scenario()).isEqualTo("table");
		assertThat(options.bootstrapServers()).isEqualTo("localhost:19092");
		assertThat(options.engine()).isEqualTo(Engine.KAFKA_TASK);
		assertThat(options.jobs()).isEqualTo(300);
		assertThat(options.requests()).isEqualTo(20);
		assertThat(options.ioMs()).isEqualTo(5000);
		assertThat(options.tasks()).isNull();
		assertThat(options.tasksOr(7)).isEqualTo(7);
		assertThat(options.partitions()).isEqualTo(6);
		assertThat(options.maxInFlight()).isNull();
		assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(600));
	}

	@Test
	void whenOptionsAreGivenThenTheyAreParsed() {
		BenchmarkOptions options = BenchmarkOptions.parse("hol", "--bootstrap-servers=h:1", "--tasks", "10_000",
				"--slow-ms", "60000", "--engine", "spring-kafka", "--max-in-flight", "1,024", "--property",
				"spring.kafka.consumer.max-poll-records=1000", "--property", "a=b=c");
		assertThat(options.tasks()).isEqualTo(10_000);
		assertThat(options.slowMs()).isEqualTo(60_000);
		assertThat(options.engine()).isEqualTo(Engine.SPRING_KAFKA);
		assertThat(options.maxInFlight()).isEqualTo(1024);
		assertThat(options.properties()).containsOnly(Map.entry("spring.kafka.consumer.max-poll-records", "1000"),
				Map.entry("a", "b=c"));
	}

	@Test
	void whenFaultsAreListedThenTheyRunInThatOrderWithTheirOptions() {
		BenchmarkOptions options = BenchmarkOptions.parse("faults", "--bootstrap-servers", "h:1", "--faults",
				"worker-kill, broker-kill", "--cluster-dir", "/tmp/c", "--workers", "2", "--hold-s", "3", "--rate", "100");
		assertThat(options.faults().faults()).containsExactly(Fault.WORKER_KILL, Fault.BROKER_KILL);
		assertThat(options.faults().clusterDir()).isEqualTo("/tmp/c");
		assertThat(options.faults().workers()).isEqualTo(2);
		assertThat(options.faults().hold()).isEqualTo(Duration.ofSeconds(3));
		assertThat(options.faults().steady()).isEqualTo(Duration.ofSeconds(10));
		assertThat(options.faults().afterRecovery()).isEqualTo(Duration.ofSeconds(5));
		assertThat(options.rateOr(200)).isEqualTo(100);
	}

	@Test
	void whenNoFaultIsListedThenAllRun() {
		BenchmarkOptions options = BenchmarkOptions.parse("faults", "--bootstrap-servers", "h:1");
		assertThat(options.faults().faults()).containsExactly(Fault.BROKER_KILL, Fault.BELOW_MIN_INSYNC,
				Fault.WORKER_KILL, Fault.ROLLING_RESTART, Fault.NETWORK);
		assertThat(options.faults().stall()).isEqualTo(Duration.ofSeconds(20));
		assertThat(options.faults().drop()).isEqualTo(Duration.ofSeconds(40));
		assertThat(options.faults().soak()).isEqualTo(Duration.ofSeconds(600));
		assertThat(options.faults().staticMembership()).isFalse();
		assertThat(options.rateOr(200)).isEqualTo(200);
	}

	@Test
	void whenAFaultIsUnknownThenParsingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("faults", "--bootstrap-servers", "h:1", "--faults", "netsplit"))
			.withMessageContaining("netsplit")
			.withMessageContaining("broker-kill");
	}

	@Test
	void whenTheSoakAndStaticMembershipAreAskedForThenTheyApply() {
		BenchmarkOptions options = BenchmarkOptions.parse("faults", "--bootstrap-servers", "h:1", "--faults",
				"network,soak", "--stall-s", "5", "--drop-s", "6", "--soak-s", "30", "--static-membership", "true");
		assertThat(options.faults().faults()).containsExactly(Fault.NETWORK, Fault.SOAK);
		assertThat(options.faults().stall()).isEqualTo(Duration.ofSeconds(5));
		assertThat(options.faults().drop()).isEqualTo(Duration.ofSeconds(6));
		assertThat(options.faults().soak()).isEqualTo(Duration.ofSeconds(30));
		assertThat(options.faults().staticMembership()).isTrue();
	}

	@Test
	void whenStaticMembershipIsNotABooleanThenParsingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("faults", "--bootstrap-servers", "h:1", "--static-membership",
					"yes"))
			.withMessageContaining("--static-membership");
	}

	@Test
	void whenTheBrokerIsMissingThenParsingFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("table"))
			.withMessageContaining("--bootstrap-servers");
	}

	@Test
	void whenAnOptionIsUnknownThenParsingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("table", "--bootstrap-servers", "h:1", "--jbos", "3"))
			.withMessageContaining("--jbos");
	}

	@Test
	void whenANumberIsNegativeThenParsingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("table", "--bootstrap-servers", "h:1", "--jobs", "-3"))
			.withMessageContaining("--jobs");
	}

	@Test
	void whenTheEngineIsShareThenKafkaTaskRunsTheTasksThroughAShareGroup() {
		BenchmarkOptions options = BenchmarkOptions.parse("throughput", "--bootstrap-servers", "h:1", "--engine", "share");
		assertThat(options.engine()).isEqualTo(Engine.SHARE);
		assertThat(options.engine().isKafkaTask()).isTrue();
		assertThat(Engine.SPRING_KAFKA.isKafkaTask()).isFalse();
	}

	@Test
	void whenTheEngineIsUnknownThenParsingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("table", "--bootstrap-servers", "h:1", "--engine", "celery"))
			.withMessageContaining("celery");
	}

}
