package dev.kafkatask.rabbit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.util.Assert;

import dev.kafkatask.celery.CeleryMessageCodec;
import dev.kafkatask.consumer.ConsumerSource;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * The RabbitMQ consumers of an application, one per queue, started with the application
 * and stopped (letting running tasks finish) when it stops. Consumers of other queues can be
 * created at runtime, for example to drain a queue that has moved to Kafka.
 *
 * @author kafka-task
 */
public class RabbitTaskConsumers implements ConsumerSource, SmartLifecycle {

	/**
	 * The name of its drain check thread in {@code kafka.task.background.failures}.
	 */
	public static final String DRAIN_CHECK_THREAD = "rabbitmq-drain";

	private static final Duration DRAIN_CHECK_INTERVAL = Duration.ofMillis(200);

	private static final Duration DRAIN_CHECK_STOP_TIMEOUT = Duration.ofSeconds(10);

	private final ConnectionFactory connectionFactory;

	private final CeleryMessageCodec codec;

	private final DeliveryHandler deliveries;

	private final RabbitDeadLetters deadLetters;

	private final RabbitQueues queues;

	private final @Nullable RabbitDelays delays;

	private final TaskObserver observer;

	private final Settings settings;

	private final TaskTransport retries;

	private final List<String> startupQueues;

	private final Map<String, RabbitQueueConsumer> consumers = new ConcurrentHashMap<>();

	private volatile @Nullable SupervisedThread drainChecks;

	private volatile boolean running;

	/**
	 * Create the consumers.
	 * @param connectionFactory the connection factory
	 * @param codec the Celery message codec
	 * @param deliveries takes each message to its outcome
	 * @param deadLetters writes dead letters
	 * @param queues declares queues
	 * @param delays holds tasks that are not due yet, or {@code null} to republish them to
	 * their queue
	 * @param observer is told of failures of the drain checks
	 * @param settings the consumers' settings
	 * @param startupQueues the queues consumed from the start
	 * @param retries republishes tasks
	 */
	public RabbitTaskConsumers(ConnectionFactory connectionFactory, CeleryMessageCodec codec,
			DeliveryHandler deliveries, RabbitDeadLetters deadLetters, RabbitQueues queues,
			@Nullable RabbitDelays delays, TaskObserver observer, Settings settings, List<String> startupQueues,
			TaskTransport retries) {
		this.observer = observer;
		this.retries = retries;
		this.connectionFactory = connectionFactory;
		this.codec = codec;
		this.deliveries = deliveries;
		this.deadLetters = deadLetters;
		this.queues = queues;
		this.delays = delays;
		this.settings = settings;
		this.startupQueues = List.copyOf(startupQueues);
		this.startupQueues.forEach(this::consumer);
	}

	@Override
	public Backend backend() {
		return Backend.RABBITMQ;
	}

	@Override
	public List<RabbitQueueConsumer> consumers() {
		return new ArrayList<>(this.consumers.values());
	}

	@Override
	public RabbitQueueConsumer consumer(String queue) {
		Assert.hasText(queue, "'queue' must not be empty");
		return this.consumers.computeIfAbsent(queue, this::create);
	}

	private RabbitQueueConsumer create(String queue) {
		CeleryTaskListener listener = new CeleryTaskListener(queue, this.codec, this.deliveries, this.deadLetters,
				this.retries, this.delays);
		SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(this.connectionFactory);
		container.setQueueNames(queue);
		container.setConcurrentConsumers(this.settings.concurrency());
		container.setPrefetchCount(this.settings.prefetch());
		container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		container.setDefaultRequeueRejected(false);
		container.setTaskExecutor(new VirtualThreadTaskExecutor("kafka-task-rabbit-" + queue + "-"));
		container.setShutdownTimeout(this.settings.shutdownTimeout().toMillis());
		container.setMissingQueuesFatal(false);
		container.setAutoStartup(false);
		container.setMessageListener(listener);
		container.afterPropertiesSet();
		return new RabbitQueueConsumer(queue, container, listener, this.queues, this::scheduleDrainChecks);
	}

	@Override
	public void start() {
		this.startupQueues.forEach((queue) -> consumer(queue).start());
		this.running = true;
	}

	/**
	 * Check draining consumers every {@link #DRAIN_CHECK_INTERVAL}, from the first drain on,
	 * on a {@link SupervisedThread} ({@value #DRAIN_CHECK_THREAD}): a check that fails (the
	 * queue's depth could not be read) is counted and backed off from, and the checks go on.
	 */
	private void scheduleDrainChecks() {
		if (this.drainChecks != null) {
			return;
		}
		synchronized (this.consumers) {
			if (this.drainChecks == null) {
				SupervisedThread checks = new SupervisedThread(DRAIN_CHECK_THREAD, "kafka-task-rabbit-drain",
						this::checkDrained, this.observer);
				checks.setInterval(DRAIN_CHECK_INTERVAL);
				checks.start();
				this.drainChecks = checks;
			}
		}
	}

	/**
	 * Check every consumer, even when the check of one fails; then throw the first failure.
	 */
	private void checkDrained() {
		RuntimeException failure = null;
		for (RabbitQueueConsumer consumer : this.consumers.values()) {
			try {
				consumer.checkDrained();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public void stop() {
		this.running = false;
		SupervisedThread checks = this.drainChecks;
		if (checks != null) {
			checks.stop(DRAIN_CHECK_STOP_TIMEOUT);
			this.drainChecks = null;
		}
		// Cancel every queue's consumers first, then wait: the queues wind down together.
		this.consumers.values().parallelStream().forEach(RabbitQueueConsumer::shutdown);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Return the state of each queue's consumer.
	 * @return the states by queue
	 */
	public Map<String, ConsumerState> states() {
		Map<String, ConsumerState> states = new java.util.TreeMap<>();
		this.consumers.forEach((queue, consumer) -> states.put(queue, consumer.state()));
		return states;
	}

	/**
	 * Settings of the consumers.
	 *
	 * @param concurrency the consumers (and tasks at once) per queue
	 * @param prefetch the unacknowledged messages each consumer may hold
	 * @param shutdownTimeout how long stopping waits for running tasks
	 */
	public record Settings(int concurrency, int prefetch, Duration shutdownTimeout) {
	}

}
