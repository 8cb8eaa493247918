package dev.kafkatask.autoconfigure;

import java.util.Map;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.ExposableEndpoint;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.page.EndpointBadRequestResolver;
import dev.kafkatask.page.TaskPageHandler;

/**
 * Auto-configuration of the task page ({@code kafka-task.page.path}, {@code /kafka-task}),
 * in servlet web applications with Spring MVC, and of the reasons of the {@code kafkatasks}
 * endpoint's 400s over HTTP ({@link EndpointBadRequestResolver}). The page reads the
 * endpoint from the browser, so it is served only where that endpoint is exposed over HTTP
 * on the application's own port; its writes (redrive, revoke) are the endpoint's, open or
 * not as {@code management.endpoint.kafkatasks.access} says.
 *
 * @author kafka-task
 */
@AutoConfiguration(after = KafkaTaskEndpointAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, Endpoint.class })
@ConditionalOnBean({ KafkaTasksEndpoint.class, PathMappedEndpoints.class })
@ConditionalOnAvailableEndpoint(endpoint = KafkaTasksEndpoint.class, exposure = EndpointExposure.WEB)
@ConditionalOnManagementPort(ManagementPortType.SAME)
public final class KafkaTaskPageAutoConfiguration {

	/**
	 * The order of the page's mapping: after the actuator's (-100), before the
	 * application's controllers (0) and static resources, so that the configured path is
	 * the page's.
	 */
	static final int ORDER = -90;

	private static final EndpointId ENDPOINT = EndpointId.of("kafkatasks");

	@Bean
	@ConditionalOnMissingBean
	EndpointBadRequestResolver kafkaTasksEndpointBadRequestResolver(PathMappedEndpoints endpoints) {
		return new EndpointBadRequestResolver(() -> endpoints.getPath(ENDPOINT));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "kafka-task.page.enabled", matchIfMissing = true)
	static class TaskPageConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TaskPageHandler kafkaTaskPageHandler(KafkaTaskProperties properties, PathMappedEndpoints endpoints) {
			return new TaskPageHandler(properties.getPage().getPath(), () -> endpoints.getPath(ENDPOINT),
					() -> writesOpen(endpoints));
		}

		@Bean
		@ConditionalOnMissingBean(name = "kafkaTaskPageHandlerMapping")
		SimpleUrlHandlerMapping kafkaTaskPageHandlerMapping(TaskPageHandler handler) {
			String path = handler.getPath();
			return new SimpleUrlHandlerMapping(Map.of(path, handler, path + "/**", handler), ORDER);
		}

	}

	/**
	 * Whether the endpoint's write operations are mapped: the actuator leaves out those
	 * its access ({@code management.endpoint.kafkatasks.access}) does not allow.
	 */
	static boolean writesOpen(PathMappedEndpoints endpoints) {
		PathMappedEndpoint endpoint = endpoints.getEndpoint(ENDPOINT);
		return endpoint instanceof ExposableEndpoint<?> exposable && exposable.getOperations()
			.stream()
			.anyMatch((operation) -> operation.getType() == OperationType.WRITE);
	}

}
