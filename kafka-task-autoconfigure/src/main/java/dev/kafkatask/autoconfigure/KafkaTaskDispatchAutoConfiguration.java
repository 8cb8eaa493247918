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

import dev.kafkatask.canvas.CanvasContinuation;
import dev.kafkatask.canvas.ChordMembers;
import dev.kafkatask.dispatch.DefaultTaskDispatcher;
import dev.kafkatask.dispatch.UniquenessGuard;
import dev.kafkatask.dispatch.ResultBackend;
import dev.kafkatask.dispatch.TaskClientFactory;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.execution.TaskContinuation;
import dev.kafkatask.execution.TaskLifecycle;
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
			ObjectProvider<UniquenessGuard> uniqueness, ObjectProvider<TaskLifecycle> lifecycle,
			ListableBeanFactory beanFactory) {
		DefaultTaskDispatcher dispatcher = new DefaultTaskDispatcher(registry, router, options,
				transports.orderedStream().toList(), jsonMapper.getIfAvailable(JsonMapper::new),
				properties.getDefaultQueue(), TaskObserver.composite(observers.orderedStream().toList()),
				Clock.systemUTC());
		dispatcher.setResultBackend(results.getIfAvailable());
		dispatcher.setAfterCommit(properties.getDispatch().isAfterCommit());
		dispatcher.setUniquenessGuard(uniqueness.getIfAvailable());
		lifecycle.ifAvailable(dispatcher::setLifecycle);
		if (TaskObservations.enabled(properties, beanFactory)) {
			observationRegistry.ifAvailable(dispatcher::setObservationRegistry);
			dispatcher.setObservationConvention(observationConvention.getIfUnique());
		}
		return dispatcher;
	}

	@Bean
	@ConditionalOnMissingBean(TaskContinuation.class)
	@ConditionalOnBean(TaskDispatcher.class)
	CanvasContinuation taskCanvasContinuation(ObjectProvider<TaskDispatcher> dispatcher, TaskRegistry registry,
			TaskRouter router, KafkaTaskProperties properties, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<ChordMembers> chordMembers) {
		return new CanvasContinuation(dispatcher::getObject, jsonMapper.getIfAvailable(JsonMapper::new),
				KnownQueues.of(properties, registry, router), chordMembers.getIfAvailable(),
				properties.getCanvas().getContinuationTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskDispatcher.class)
	TaskClientFactory taskClientFactory(TaskDispatcher dispatcher) {
		return new TaskClientFactory(dispatcher);
	}

}
