package dev.kafkatask.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.consumer.ConsumerSource;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.execution.ArgumentBinder;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.execution.RevokedTasks;
import dev.kafkatask.execution.TaskLifecycle;
import dev.kafkatask.execution.TaskContinuation;
import dev.kafkatask.execution.TaskInvoker;
import dev.kafkatask.execution.TaskRunner;
import dev.kafkatask.execution.pinning.CarrierPinningDetector;
import dev.kafkatask.monitor.TaskEvents;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.observation.TaskExecutionObservationConvention;
import dev.kafkatask.options.OptionWhitelist;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.options.TaskSettings;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.KafkaTaskBeanPostProcessor;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * Auto-configuration of kafka-task's core, shared by both backends: the task registry that
 * collects {@link dev.kafkatask.task.KafkaTask @KafkaTask} methods, the envelope codec, the
 * task runner with its carrier pinning detector, and the router that sends each dispatch to
 * Kafka or RabbitMQ.
 *
 * @author kafka-task
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnBooleanProperty(name = "kafka-task.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KafkaTaskProperties.class)
public final class KafkaTaskAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static TaskRegistry taskRegistry() {
		return new TaskRegistry();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static KafkaTaskBeanPostProcessor kafkaTaskBeanPostProcessor(TaskRegistry taskRegistry) {
		return new KafkaTaskBeanPostProcessor(taskRegistry);
	}

	@Bean
	@ConditionalOnMissingBean
	EnvelopeCodec taskEnvelopeCodec() {
		return new EnvelopeCodec();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskInvoker taskInvoker(ObjectProvider<JsonMapper> jsonMapper) {
		// The application's mapper (its modules and naming), but never with default typing:
		// arguments are read only as the declared parameter types.
		JsonMapper base = jsonMapper.getIfAvailable(JsonMapper::new);
		JsonMapper argumentMapper = base.rebuild()
			.deactivateDefaultTyping()
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.build();
		return new TaskInvoker(new ArgumentBinder(argumentMapper));
	}

	@Bean
	@ConditionalOnMissingBean
	TaskRunner taskRunner(TaskRegistry registry, TaskInvoker invoker, TaskOptionResolver options,
			ObjectProvider<TaskObserver> observers, ObjectProvider<CarrierPinningDetector> pinningDetector,
			KafkaTaskProperties properties, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<TaskExecutionObservationConvention> observationConvention, ListableBeanFactory beanFactory) {
		TaskRunner runner = new TaskRunner(registry, invoker, TaskObserver.composite(observers.orderedStream().toList()),
				options, Clock.systemUTC());
		runner.setPinningDetector(pinningDetector.getIfAvailable());
		if (TaskObservations.enabled(properties, beanFactory)) {
			observationRegistry.ifAvailable(runner::setObservationRegistry);
			runner.setObservationConvention(observationConvention.getIfUnique());
		}
		return runner;
	}

	@Bean
	@ConditionalOnMissingBean
	TaskLifecycle taskLifecycle(ObjectProvider<TaskEvents> events, KafkaTaskProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		TaskEvents sink = events.getIfAvailable();
		if (sink == null) {
			return TaskLifecycle.NONE;
		}
		TaskLifecycle lifecycle = new TaskLifecycle(sink, TaskLifecycle.localName(),
				properties.getEvents().getMaxTextLength(), jsonMapper.getIfAvailable(JsonMapper::new), Clock.systemUTC());
		lifecycle.setArguments(properties.getEvents().isArguments());
		return lifecycle;
	}

	@Bean
	@ConditionalOnMissingBean
	DeliveryHandler taskDeliveryHandler(TaskRunner runner, ObjectProvider<TaskObserver> observers,
			ObjectProvider<TaskContinuation> continuation, ObjectProvider<FinishedTasks> finished,
			ObjectProvider<RevokedTasks> revoked, TaskLifecycle lifecycle) {
		DeliveryHandler handler = new DeliveryHandler(runner,
				TaskObserver.composite(observers.orderedStream().toList()), Clock.systemUTC());
		handler.setContinuation(continuation.getIfAvailable(() -> TaskContinuation.NONE));
		handler.setFinishedTasks(finished.getIfAvailable());
		handler.setRevokedTasks(revoked.getIfAvailable());
		handler.setLifecycle(lifecycle);
		return handler;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "kafka-task.worker.pinning.enabled", matchIfMissing = true)
	CarrierPinningDetector carrierPinningDetector(KafkaTaskProperties properties,
			ObjectProvider<TaskObserver> observers) {
		CarrierPinningDetector detector = new CarrierPinningDetector((task, duration, stack) -> observers
			.orderedStream()
			.forEach((observer) -> observer.carrierPinned(task, duration)),
				properties.getWorker().getPinning().getThreshold());
		// Opening a Flight Recorder stream takes about a second: not on the startup path.
		Thread.ofPlatform().name("kafka-task-pinning-start").daemon(true).start(detector::start);
		return detector;
	}

	@Bean
	@ConditionalOnMissingBean
	TaskOptionResolver taskOptionResolver(KafkaTaskProperties properties, TaskRegistry registry) {
		return new TaskOptionResolver(OptionWhitelist.standard(), properties.getUnsupportedOptions(),
				taskSettings(properties.getTasks()), (task) -> {
					TaskDefinition definition = registry.find(task);
					return (definition != null) ? definition.options() : Map.of();
				});
	}

	@Bean
	@ConditionalOnMissingBean
	TaskOwners taskOwners(KafkaTaskProperties properties, TaskRegistry registry) {
		return new TaskOwners(taskOwners(properties.getTasks()), properties.getQueueOwners(), (task) -> {
			TaskDefinition definition = registry.find(task);
			return (definition != null) ? definition.owner() : null;
		});
	}

	@Bean
	@ConditionalOnMissingBean
	TaskRouter taskRouter(KafkaTaskProperties properties) {
		Set<String> clusters = KafkaClusterNames.of(properties.getKafka());
		return new TaskRouter(KafkaClusterNames.rules(properties.getRouting(), clusters), clusters);
	}

	@Bean
	RoutingRulesRefresher kafkaTaskRoutingRulesRefresher(Environment environment, TaskRouter router) {
		return new RoutingRulesRefresher(environment, router);
	}

	@Bean
	@ConditionalOnMissingBean
	TaskConsumers taskConsumers(ObjectProvider<ConsumerSource> sources) {
		return new TaskConsumers(sources.orderedStream().toList());
	}

	/**
	 * Read the settings of each task from {@code kafka-task.tasks.[name].*}.
	 * @param tasks the properties by task name
	 * @return the settings by task name
	 * @throws InvalidConfigurationPropertyValueException naming the property that is not valid
	 */
	static Map<String, TaskSettings> taskSettings(Map<String, TaskProperties> tasks) {
		Map<String, TaskSettings> settings = new LinkedHashMap<>();
		tasks.forEach((task, properties) -> {
			try {
				settings.put(task, TaskSettings.of(properties.options(), properties.getUnsupportedOptions()));
			}
			catch (TaskSettings.InvalidTaskSettingException ex) {
				throw new InvalidConfigurationPropertyValueException(
						"kafka-task.tasks[" + task + "]." + ex.getOption().celeryName().replace('_', '-'), ex.getValue(),
						ex.getReason());
			}
		});
		return settings;
	}

	/**
	 * Return the owners that {@code kafka-task.tasks.[name].owner} names.
	 * @param tasks the properties by task name
	 * @return the owners by task name
	 */
	static Map<String, String> taskOwners(Map<String, TaskProperties> tasks) {
		Map<String, String> owners = new LinkedHashMap<>();
		tasks.forEach((task, properties) -> {
			String owner = properties.getOwner();
			if (owner != null && !owner.isBlank()) {
				owners.put(task, owner.trim());
			}
		});
		return owners;
	}

}
