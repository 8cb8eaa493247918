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
	void whenTheEngineIsUnknownThenParsingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("table", "--bootstrap-servers", "h:1", "--engine", "celery"))
			.withMessageContaining("celery");
	}

}
