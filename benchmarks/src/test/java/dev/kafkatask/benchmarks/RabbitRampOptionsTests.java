package dev.kafkatask.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.kafkatask.routing.OnUnavailable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RabbitRampOptions}, as {@link BenchmarkOptions} parses them, and for
 * {@link Rabbitmqctl}'s reading of queue counts.
 *
 * @author kafka-task
 */
class RabbitRampOptionsTests {

	@Test
	void whenNoRabbitOptionIsGivenThenTheRealRestartOfBothPoliciesOnTheLocalServerApplies() {
		RabbitRampOptions options = BenchmarkOptions.parse("rabbit-faults", "--bootstrap-servers", "h:1").rabbit();
		assertThat(options.restart()).isEqualTo(RabbitRampOptions.Restart.RABBITMQCTL);
		assertThat(options.policies()).containsExactly(OnUnavailable.FAIL, OnUnavailable.KAFKA);
		assertThat(options.rampPercent()).isEqualTo(50);
		assertThat(options.host()).isEqualTo("127.0.0.1");
		assertThat(options.port()).isEqualTo(5672);
		assertThat(options.username()).isEqualTo("guest");
		assertThat(options.password()).isEqualTo("guest");
		assertThat(options.rabbitmqctl()).isEqualTo("rabbitmqctl");
		assertThat(options.workDirectory()).isNull();
	}

	@Test
	void whenRabbitOptionsAreGivenThenTheyAreParsed() {
		BenchmarkOptions options = BenchmarkOptions.parse("rabbit-faults", "--bootstrap-servers", "h:1", "--restart",
				"proxy", "--on-unavailable", "kafka", "--ramp-percent", "25", "--rabbitmq-url",
				"amqp://u:p@rabbit:5673", "--rabbitmqctl", "/usr/sbin/rabbitmqctl", "--work-dir", "/tmp/w",
				"--workers", "2", "--hold-s", "4");
		RabbitRampOptions rabbit = options.rabbit();
		assertThat(rabbit.restart()).isEqualTo(RabbitRampOptions.Restart.PROXY);
		assertThat(rabbit.policies()).isEqualTo(List.of(OnUnavailable.KAFKA));
		assertThat(rabbit.rampPercent()).isEqualTo(25);
		assertThat(rabbit.host()).isEqualTo("rabbit");
		assertThat(rabbit.port()).isEqualTo(5673);
		assertThat(rabbit.username()).isEqualTo("u");
		assertThat(rabbit.password()).isEqualTo("p");
		assertThat(rabbit.rabbitmqctl()).isEqualTo("/usr/sbin/rabbitmqctl");
		assertThat(rabbit.workDirectory()).isEqualTo(Path.of("/tmp/w"));
		assertThat(options.faults().workers()).isEqualTo(2);
	}

	@Test
	void whenARabbitOptionIsInvalidThenParsingFailsNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("rabbit-faults", "--bootstrap-servers", "h:1", "--restart", "kill"))
			.withMessageContaining("--restart");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("rabbit-faults", "--bootstrap-servers", "h:1", "--on-unavailable",
					"retry"))
			.withMessageContaining("--on-unavailable");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("rabbit-faults", "--bootstrap-servers", "h:1", "--ramp-percent",
					"101"))
			.withMessageContaining("--ramp-percent");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchmarkOptions.parse("rabbit-faults", "--bootstrap-servers", "h:1", "--rabbitmq-url",
					"http://rabbit"))
			.withMessageContaining("--rabbitmq-url");
	}

	@Test
	void whenRabbitmqctlListsQueuesThenTheCountsOfTheQueueAreRead() {
		String output = """
				celery	0	0	0
				bench-rabbit-faults-abc	3	7	64
				bench-rabbit-faults-abc.dlq	0	0	0
				""";
		List<String> fields = List.of("messages_ready", "messages_unacknowledged", "consumers");
		assertThat(Rabbitmqctl.parseQueueCounts(output, "bench-rabbit-faults-abc", fields)).isEqualTo(
				Map.of("messages_ready", 3L, "messages_unacknowledged", 7L, "consumers", 64L));
		assertThat(Rabbitmqctl.parseQueueCounts(output, "other", fields)).isNull();
		assertThat(Rabbitmqctl.parseQueueCounts("bench 1 x 3", "bench", fields)).isNull();
	}

}
