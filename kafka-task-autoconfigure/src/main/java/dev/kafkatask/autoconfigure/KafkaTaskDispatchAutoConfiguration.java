package dev.kafkatask.autoconfigure;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.dispatch.DefaultTaskDispatcher;
import dev.kafkatask.dispatch.UniquenessGuard;
import dev.kafkatask.dispatch.ResultBackend;
import dev.kafkatask.dispatch.TaskClientFactory;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.observation.TaskDispatchObservationConvention;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskRegistry;

/**
 * Auto-configuration of the {@link TaskDispatcher} and of typed task clients, over the
 * {@link TaskTransport} the backend auto-configurations provide.
 *
 * @author kafka-task
 */
@AutoConfiguration(after = { KafkaTaskKafkaAutoConfiguration.class, KafkaTaskRabbitAutoConfiguration.class })
@ConditionalOnBean({ TaskRegistry.class, TaskTransport.class })
public final class KafkaTaskDispatchAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TaskDispatcher taskDispatcher(TaskRegistry registry, TaskRouter router, TaskOptionResolver options,
			ObjectProvider<TaskTransport> transports, KafkaTaskProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<TaskObserver> observers,
			ObjectProvider<ResultBackend> results, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<TaskDispatchObservationConvention> observationConvention,
			ObjectProvider<UniquenessGuard> uniqueness, ListableBeanFactory beanFactory) {
		DefaultTaskDispatcher dispatcher = new DefaultTaskDispatcher(registry, router, options,
				transports.orderedStream().toList(), jsonMapper.getIfAvailable(JsonMapper::new),
				properties.getDefaultQueue(), TaskObserver.composite(observers.orderedStream().toList()),
				Clock.systemUTC());
		dispatcher.setResultBackend(results.getIfAvailable());
		dispatcher.setAfterCommit(properties.getDispatch().isAfterCommit());
		dispatcher.setUniquenessGuard(uniqueness.getIfAvailable());
		if (TaskObservations.enabled(properties, beanFactory)) {
			observationRegistry.ifAvailable(dispatcher::setObservationRegistry);
			dispatcher.setObservationConvention(observationConvention.getIfUnique());
		}
		return dispatcher;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskDispatcher.class)
	TaskClientFactory taskClientFactory(TaskDispatcher dispatcher) {
		return new TaskClientFactory(dispatcher);
	}

}
