package dev.kafkatask.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.kafka.worker.OrderingMode;
import dev.kafkatask.kafka.worker.ShareConsumption;
import dev.kafkatask.kafka.worker.TaskRecordHandler;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.kafka.worker.WorkerSettings;
import dev.kafkatask.monitor.TaskObserver;

/**
 * Configures a {@link TaskWorker} the way kafka-task's auto-configuration does, for an
 * application that defines its own worker bean (Spring Boot's
 * {@code ConcurrentKafkaListenerContainerFactoryConfigurer} works the same way):
 *
 * <pre class="code">
 * &#64;Bean
 * TaskWorker kafkaTaskWorker(TaskWorkerConfigurer configurer) {
 *     TaskWorker worker = new TaskWorker(configurer.settings(), configurer.consumerFactory(),
 *             configurer.topics(), configurer.recordHandler(), configurer.observer());
 *     configurer.configure(worker);
 *     return worker;
 * }
 * </pre>
 *
 * To change a few things of the worker kafka-task builds, a {@link TaskWorkerCustomizer}
 * bean is enough.
 *
 * @author kafka-task
 */
public class TaskWorkerConfigurer {

	private final WorkerSettings settings;

	private final Supplier<ConsumerFactory<String, byte[]>> consumerFactory;

	private final Supplier<List<String>> topics;

	private final TaskRecordHandler recordHandler;

	private final TaskObserver observer;

	private final KafkaTaskProperties.Worker properties;

	private final Predicate<String> runsOnPlatformThreads;

	private final @Nullable ShareConsumption share;

	private final List<TaskWorkerCustomizer> customizers;

	TaskWorkerConfigurer(WorkerSettings settings, Supplier<ConsumerFactory<String, byte[]>> consumerFactory,
			Supplier<List<String>> topics, TaskRecordHandler recordHandler, TaskObserver observer,
			KafkaTaskProperties.Worker properties, Predicate<String> runsOnPlatformThreads,
			@Nullable ShareConsumption share, List<TaskWorkerCustomizer> customizers) {
		this.settings = settings;
		this.consumerFactory = consumerFactory;
		this.topics = topics;
		this.recordHandler = recordHandler;
		this.observer = observer;
		this.properties = properties;
		this.runsOnPlatformThreads = runsOnPlatformThreads;
		this.share = share;
		this.customizers = List.copyOf(customizers);
	}

	/**
	 * Return the worker's settings, from {@code kafka-task.worker.*}.
	 * @return the settings
	 */
	public WorkerSettings settings() {
		return this.settings;
	}

	/**
	 * Return what makes the worker's consumer factory when it starts: Spring Boot's consumer
	 * configuration, the group protocol (asked of the brokers for {@code auto}) and Boot's
	 * and the application's {@code DefaultKafkaConsumerFactoryCustomizer} beans.
	 * @return the consumer factory supplier
	 */
	public Supplier<ConsumerFactory<String, byte[]>> consumerFactory() {
		return this.consumerFactory;
	}

	/**
	 * Return what tells the topics the worker consumes when it starts: those of
	 * {@code kafka-task.worker.queues}, else of the queues of the registered tasks.
	 * @return the topics supplier
	 */
	public Supplier<List<String>> topics() {
		return this.topics;
	}

	/**
	 * Return the handler that takes each record to exactly one outcome.
	 * @return the record handler
	 */
	public TaskRecordHandler recordHandler() {
		return this.recordHandler;
	}

	/**
	 * Return the observer of what happens to tasks (meters, tracing), all
	 * {@code TaskObserver} beans together.
	 * @return the observer
	 */
	public TaskObserver observer() {
		return this.observer;
	}

	/**
	 * Return what the worker needs to consume the queues whose mode is {@code share}.
	 * @return the share consumption, or {@code null} when every queue is consumed by the
	 * consumer group
	 */
	public @Nullable ShareConsumption share() {
		return this.share;
	}

	/**
	 * Apply the remaining {@code kafka-task.worker.*} properties, which tasks run on
	 * platform threads and which queues a share group consumes to a worker, then the
	 * {@link TaskWorkerCustomizer} beans.
	 * @param worker the worker to configure
	 */
	public void configure(TaskWorker worker) {
		worker.setShareConsumption(this.share);
		worker.setAutoStartup(this.properties.isAutoStartup());
		worker.setPlatformThreads(this.properties.getPlatformThreads());
		worker.setRunsOnPlatformThreads(this.runsOnPlatformThreads);
		this.customizers.forEach((customizer) -> customizer.customize(worker));
	}

	static WorkerSettings settings(String groupId, KafkaTaskProperties.Worker worker,
			Map<String, OrderingMode> orderingByTopic) {
		return new WorkerSettings(groupId, worker.getMaxInFlight(),
				(worker.getMaxInFlightPerPartition() != null) ? worker.getMaxInFlightPerPartition() : Integer.MAX_VALUE,
				worker.getMaxWaitingPerPartition(), orderingByTopic, worker.getDefaultOrdering(),
				worker.getPollTimeout(), worker.getCommitInterval(),
				(worker.getCommitCount() != null) ? worker.getCommitCount() : worker.getMaxInFlight(),
				worker.isCommitMetadata(),
				worker.getRevokeTimeout(), worker.getShutdownTimeout());
	}

}
