package dev.kafkatask.cloud;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing rules follow the environment when Spring Cloud refreshes it: its
 * {@code ContextRefresher} updates the property sources and publishes an
 * {@link EnvironmentChangeEvent}, as this test does. It runs in a surefire execution of its
 * own, the only one with Spring Cloud Context on the class path.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class SpringCloudRefreshIntegrationTests {

	@Test
	void whenEnvironmentChangeEventIsPublishedThenRoutingRulesAreReread() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties("kafka-task.worker.enabled=false", "kafka-task.kafka.create-topics=false",
					"kafka-task.routing.queues.[billing.v1].backend=rabbitmq", "spring.main.banner-mode=off")
			.run()) {
			TaskRouter router = context.getBean(TaskRouter.class);
			assertThat(router.route("billing.charge", "billing.v1", "id", null).backend()).isEqualTo(Backend.RABBITMQ);
			assertThat(router.route("billing.charge", "payments", "id", null).backend()).isEqualTo(Backend.KAFKA);
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("refreshed",
						Map.of("kafka-task.routing.queues.[billing.v1].backend", "kafka",
								"kafka-task.routing.default-backend", "rabbitmq")));
			context.publishEvent(new EnvironmentChangeEvent(context,
					Set.of("kafka-task.routing.queues.[billing.v1].backend", "kafka-task.routing.default-backend")));
			assertThat(router.route("billing.charge", "billing.v1", "id", null).backend()).isEqualTo(Backend.KAFKA);
			assertThat(router.route("billing.charge", "payments", "id", null).backend()).isEqualTo(Backend.RABBITMQ);
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
