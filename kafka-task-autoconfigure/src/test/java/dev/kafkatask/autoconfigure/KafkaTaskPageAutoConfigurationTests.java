package dev.kafkatask.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.options.OptionWhitelist;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.options.UnsupportedOptionPolicy;
import dev.kafkatask.page.EndpointBadRequestResolver;
import dev.kafkatask.page.TaskPageHandler;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests of {@link KafkaTaskPageAutoConfiguration}: where the page is served, when it is
 * not, what it says of the endpoint's path and writes, and a bad path failing the startup.
 *
 * @author kafka-task
 */
class KafkaTaskPageAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DispatcherServletAutoConfiguration.class,
				WebMvcAutoConfiguration.class, EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
				KafkaTaskPageAutoConfiguration.class))
		.withUserConfiguration(EndpointConfiguration.class)
		.withPropertyValues("management.endpoints.web.exposure.include=kafkatasks");

	@Test
	void whenTheEndpointIsExposedThenThePageIsServedAtKafkaTaskReadOnly() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TaskPageHandler.class);
			MockMvc mvc = mvc(context);
			mvc.perform(get("/kafka-task"))
				.andExpect(status().isOk())
				.andExpect(content().contentType("text/html;charset=UTF-8"))
				.andExpect(header().string("X-Content-Type-Options", "nosniff"))
				.andExpect(header().string("Content-Security-Policy", TaskPageHandler.CONTENT_SECURITY_POLICY))
				.andExpect(content().string(containsString("data-api=\"/actuator/kafkatasks\"")))
				.andExpect(content().string(containsString("data-writes=\"read-only\"")));
			mvc.perform(get("/kafka-task/task-page.js"))
				.andExpect(status().isOk())
				.andExpect(content().contentType("text/javascript;charset=UTF-8"));
			mvc.perform(get("/kafka-task/task-page.css"))
				.andExpect(status().isOk())
				.andExpect(content().contentType("text/css;charset=UTF-8"));
			mvc.perform(get("/kafka-task/application.yml")).andExpect(status().isNotFound());
			mvc.perform(get("/kafka-task/../kafka-task/task-page.js")).andExpect(status().isNotFound());
		});
	}

	@Test
	void whenWritesAreOpenThenThePageSaysSo() {
		this.contextRunner.withPropertyValues("management.endpoint.kafkatasks.access=UNRESTRICTED")
			.run((context) -> mvc(context).perform(get("/kafka-task"))
				.andExpect(content().string(containsString("data-writes=\"open\""))));
	}

	@Test
	void whenThePathAndTheActuatorBasePathAreMovedThenThePageFollowsBoth() {
		this.contextRunner
			.withPropertyValues("kafka-task.page.path=/ops/tasks", "management.endpoints.web.base-path=/manage",
					"management.endpoints.web.path-mapping.kafkatasks=tasks")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				mvc.perform(get("/ops/tasks"))
					.andExpect(status().isOk())
					.andExpect(content().string(containsString("data-api=\"/manage/tasks\"")))
					.andExpect(content()
						.string(containsString("src=\"/ops/tasks/task-page.js\"")));
				mvc.perform(get("/ops/tasks/task-page.css")).andExpect(status().isOk());
				mvc.perform(get("/kafka-task")).andExpect(status().isNotFound());
			});
	}

	@Test
	void whenThePageIsDisabledThenItIsNotServedAndBadRequestsStillSayWhy() {
		this.contextRunner.withPropertyValues("kafka-task.page.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TaskPageHandler.class);
			assertThat(context).doesNotHaveBean("kafkaTaskPageHandlerMapping");
			assertThat(context).hasSingleBean(EndpointBadRequestResolver.class);
		});
	}

	@Test
	void whenTheEndpointIsNotExposedOverHttpThenThePageIsNotServed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskPageHandler.class));
	}

	@Test
	void whenTheActuatorHasAPortOfItsOwnThenThePageIsNotServed() {
		this.contextRunner.withPropertyValues("management.server.port=0")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskPageHandler.class));
	}

	@Test
	void whenThereIsNoKafkaTasksEndpointThenThePageIsNotServed() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					WebEndpointAutoConfiguration.class, KafkaTaskPageAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskPageHandler.class));
	}

	@Test
	void whenTheApplicationIsNotAWebApplicationThenThePageIsNotServed() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					WebEndpointAutoConfiguration.class, KafkaTaskPageAutoConfiguration.class))
			.withUserConfiguration(EndpointConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=kafkatasks")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskPageHandler.class));
	}

	@Test
	void whenTheUserDefinesAHandlerThenAutoConfigurationBacksOff() {
		TaskPageHandler own = new TaskPageHandler("/mine", () -> "/actuator/kafkatasks", () -> false);
		this.contextRunner.withBean(TaskPageHandler.class, () -> own).run((context) -> {
			assertThat(context).getBean(TaskPageHandler.class).isSameAs(own);
			mvc(context).perform(get("/mine")).andExpect(status().isOk());
		});
	}

	@Test
	void whenThePathIsBadThenStartupFailsNamingThePropertyAndWhy() {
		this.contextRunner.withPropertyValues("kafka-task.page.path=/ops/../actuator").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("The task page's path must not have a '.' or '..' segment: '/ops/../actuator'");
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Failed to bind properties under 'kafka-task.page'");
		});
	}

	private static MockMvc mvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context).build();
	}

	/**
	 * The endpoint, without the rest of kafka-task.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(KafkaTaskProperties.class)
	static class EndpointConfiguration {

		@Bean
		KafkaTasksEndpoint kafkaTasksEndpoint() {
			return new KafkaTasksEndpoint(new TaskRegistry(), new TaskRouter(RoutingRules.allTo(Backend.KAFKA)),
					new TaskConsumers(List.of()), () -> RoutingRules.allTo(Backend.KAFKA),
					new TaskOptionResolver(OptionWhitelist.standard(), UnsupportedOptionPolicy.REJECT, Map.of(),
							(task) -> Map.of()),
					TaskOwners.none(), "default", (queue) -> true);
		}

	}

}
