package dev.kafkatask.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.amqp.rabbit.connection.RabbitConnectionFactoryBean;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.amqp.autoconfigure.CachingConnectionFactoryConfigurer;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionFactoryBeanConfigurer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.celery.CeleryMessageCodec;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.rabbit.RabbitAvailability;
import dev.kafkatask.rabbit.RabbitDeadLetterQueues;
import dev.kafkatask.rabbit.RabbitDeadLetters;
import dev.kafkatask.rabbit.RabbitDelays;
import dev.kafkatask.rabbit.RabbitQueues;
import dev.kafkatask.rabbit.RabbitTaskConsumers;
import dev.kafkatask.rabbit.RabbitTaskTransport;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * Auto-configuration of kafka-task's RabbitMQ leg, which speaks Celery's message protocol 2:
 * the transport that publishes tasks with publisher confirms and returns, and the consumers
 * that run tasks of RabbitMQ queues on virtual threads. It connects with its own connection
 * factory, configured from Spring Boot's {@code spring.rabbitmq.*} like the application's,
 * with correlated confirms and returns switched on.
 * <p>
 * RabbitMQ is optional at runtime: the application starts while it is down, queues are
 * declared and consumers consume when it comes up, and dispatches routed to it meanwhile fail
 * at once or go to Kafka, by their route's {@code on-unavailable} policy.
 *
 * @author kafka-task
 */
@AutoConfiguration(after = KafkaTaskAutoConfiguration.class,
		afterName = "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration")
@ConditionalOnClass({ RabbitTemplate.class, CachingConnectionFactoryConfigurer.class })
@ConditionalOnBean({ TaskRegistry.class, RabbitConnectionFactoryBeanConfigurer.class,
		CachingConnectionFactoryConfigurer.class })
@ConditionalOnBooleanProperty(name = "kafka-task.rabbitmq.enabled", matchIfMissing = true)
public final class KafkaTaskRabbitAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CeleryMessageCodec celeryMessageCodec() {
		return new CeleryMessageCodec(CeleryMessageCodec.localOrigin(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaTaskRabbitConnection kafkaTaskRabbitConnection(RabbitConnectionFactoryBeanConfigurer connectionConfigurer,
			CachingConnectionFactoryConfigurer cachingConfigurer) throws Exception {
		RabbitConnectionFactoryBean bean = new RabbitConnectionFactoryBean();
		connectionConfigurer.configure(bean);
		bean.afterPropertiesSet();
		CachingConnectionFactory factory = new CachingConnectionFactory(bean.getObject());
		cachingConfigurer.configure(factory);
		factory.setPublisherConfirmType(ConfirmType.CORRELATED);
		factory.setPublisherReturns(true);
		factory.setConnectionNameStrategy((connectionFactory) -> "kafka-task");
		return new KafkaTaskRabbitConnection(factory);
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitAvailability rabbitTaskAvailability(KafkaTaskRabbitConnection connection, KafkaTaskProperties properties) {
		RabbitAvailability availability = new RabbitAvailability(connection.factory(),
				properties.getRabbitmq().getProbeInterval());
		connection.factory().addConnectionListener(availability);
		return availability;
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitQueues rabbitTaskQueues(KafkaTaskRabbitConnection connection, KafkaTaskProperties properties,
			RabbitAvailability availability) {
		KafkaTaskProperties.Rabbitmq rabbitmq = properties.getRabbitmq();
		RabbitQueues queues = new RabbitQueues(new RabbitAdmin(connection.factory()), rabbitmq.getDeadLetterExchange(),
				rabbitmq.isDeclareQueues());
		// Declared when the connection comes up, again after every reconnection.
		queues.setConnected(availability::isConnected);
		connection.factory().addConnectionListener(queues);
		return queues;
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitTaskTransport rabbitTaskTransport(KafkaTaskRabbitConnection connection, CeleryMessageCodec codec,
			RabbitQueues queues, ObjectProvider<TaskObserver> observers, RabbitAvailability availability) {
		RabbitTaskTransport transport = new RabbitTaskTransport(connection.template(), codec, queues,
				TaskObserver.composite(observers.orderedStream().toList()));
		transport.setAvailability(availability);
		return transport;
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitDeadLetterQueues rabbitTaskDeadLetterQueues(KafkaTaskRabbitConnection connection, RabbitQueues queues,
			TaskRegistry registry, TaskRouter router, KafkaTaskProperties properties,
			ObjectProvider<TaskObserver> observers) {
		// The queues are asked for at each call: tasks may be registered after this bean is made.
		RabbitDeadLetterQueues deadLetters = new RabbitDeadLetterQueues(connection.factory(), connection.template(),
				queues, (queue) -> KnownQueues.of(properties, registry, router).test(queue));
		deadLetters.setObserver(TaskObserver.composite(observers.orderedStream().toList()));
		return deadLetters;
	}

	@Bean
	SmartInitializingSingleton rabbitTaskQueuesInitializer(RabbitQueues queues, TaskRouter router) {
		// Queues that rules send to RabbitMQ are declared as soon as RabbitMQ is reachable,
		// before the first dispatch if it is up (others are declared on their first dispatch).
		return () -> router.rules().queues().forEach((queue, route) -> {
			if (involvesRabbit(route)) {
				queues.declare(queue);
			}
		});
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitDelays rabbitTaskDelays(KafkaTaskRabbitConnection connection, RabbitQueues queues,
			KafkaTaskProperties properties) {
		KafkaTaskProperties.Rabbitmq rabbitmq = properties.getRabbitmq();
		return new RabbitDelays(connection.template(), queues, rabbitmq.getDelayPrefix(), rabbitmq.getDelayTiers(),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitTaskConsumers rabbitTaskConsumers(KafkaTaskRabbitConnection connection, CeleryMessageCodec codec,
			DeliveryHandler deliveries, RabbitQueues queues, ObjectProvider<RabbitDelays> delays,
			TaskRegistry registry, TaskRouter router, KafkaTaskProperties properties, RabbitTaskTransport transport,
			ObjectProvider<TaskObserver> observers) {
		KafkaTaskProperties.Rabbitmq rabbitmq = properties.getRabbitmq();
		RabbitTaskConsumers.Settings settings = new RabbitTaskConsumers.Settings(rabbitmq.getConcurrency(),
				rabbitmq.getPrefetch(), rabbitmq.getShutdownTimeout());
		return new RabbitTaskConsumers(connection.factory(), codec, deliveries,
				new RabbitDeadLetters(connection.template(), queues), queues, delays.getIfAvailable(),
				TaskObserver.composite(observers.orderedStream().toList()), settings,
				startupQueues(properties, registry, router), transport);
	}

	/**
	 * Return the queues consumed from the start: none when the application runs no tasks
	 * ({@code kafka-task.worker.enabled=false}; consumers can still be started at runtime,
	 * through the {@code kafkatasks} endpoint), else those configured, else the queues of local
	 * tasks that a rule can send to RabbitMQ.
	 */
	private static List<String> startupQueues(KafkaTaskProperties properties, TaskRegistry registry,
			TaskRouter router) {
		if (!properties.getWorker().isEnabled()) {
			return List.of();
		}
		List<String> configured = properties.getRabbitmq().getQueues();
		return (configured != null) ? configured
				: routedQueues(registry, router.rules(), properties.getDefaultQueue());
	}

	/**
	 * Return the queues of this application's tasks that the rules can send to RabbitMQ.
	 */
	private static List<String> routedQueues(TaskRegistry registry, RoutingRules rules, String defaultQueue) {
		Set<String> queues = new LinkedHashSet<>();
		for (TaskDefinition task : registry.all()) {
			String queue = (task.queue() != null) ? task.queue() : defaultQueue;
			if (involvesRabbit(rules.match(task.name(), queue).route())) {
				queues.add(queue);
			}
		}
		return new ArrayList<>(queues);
	}

	private static boolean involvesRabbit(Route route) {
		return route.backend() == Backend.RABBITMQ || route.shadow() == Backend.RABBITMQ
				|| (route.ramp() != null && route.ramp().to() == Backend.RABBITMQ);
	}

	/**
	 * kafka-task's own RabbitMQ connection factory and template, kept out of the context's
	 * {@code ConnectionFactory} beans so that the application's own stay unambiguous.
	 */
	static final class KafkaTaskRabbitConnection implements DisposableBean {

		private final CachingConnectionFactory factory;

		private final RabbitTemplate template;

		KafkaTaskRabbitConnection(CachingConnectionFactory factory) {
			this.factory = factory;
			this.template = new RabbitTemplate(factory);
			this.template.setMandatory(true);
			this.template.setUsePublisherConnection(true);
		}

		CachingConnectionFactory factory() {
			return this.factory;
		}

		RabbitTemplate template() {
			return this.template;
		}

		@Override
		public void destroy() {
			this.factory.destroy();
		}

	}

}
