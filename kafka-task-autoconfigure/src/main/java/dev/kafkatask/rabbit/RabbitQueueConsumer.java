package dev.kafkatask.rabbit;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.execution.PendingDeadLetter;
import dev.kafkatask.routing.Backend;

/**
 * The consumer of one RabbitMQ queue: a Spring AMQP listener container whose consumers run on
 * virtual threads, each running one task at a time and acknowledging it after it ran.
 * Pausing and stopping cancel the consumers and let running tasks finish; draining consumes
 * until the queue is empty and no task runs, then stops.
 *
 * @author kafka-task
 */
public final class RabbitQueueConsumer implements TaskConsumer {

	private static final Log logger = LogFactory.getLog(RabbitQueueConsumer.class);

	private final String queue;

	private final SimpleMessageListenerContainer container;

	private final CeleryTaskListener listener;

	private final RabbitQueues queues;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile ConsumerState state = ConsumerState.STOPPED;

	private final Runnable drainWatch;

	private int quietChecks;

	RabbitQueueConsumer(String queue, SimpleMessageListenerContainer container, CeleryTaskListener listener,
			RabbitQueues queues, Runnable drainWatch) {
		this.queue = queue;
		this.container = container;
		this.listener = listener;
		this.queues = queues;
		this.drainWatch = drainWatch;
	}

	@Override
	public Backend backend() {
		return Backend.RABBITMQ;
	}

	@Override
	public String queue() {
		return this.queue;
	}

	@Override
	public ConsumerState state() {
		return this.state;
	}

	@Override
	public int inFlight() {
		return this.listener.inFlight();
	}

	/**
	 * Return the dead letters of this queue that could not be written yet: their messages
	 * wait, unacknowledged, and are tried again.
	 * @return the pending dead letters
	 */
	public List<PendingDeadLetter> pendingDeadLetters() {
		return this.listener.pendingDeadLetters();
	}

	/**
	 * Return the listener container, for health checks and monitoring: whether it runs and
	 * how many consumers it has. Control the consumer through this class, not through the
	 * container.
	 * @return the listener container
	 */
	public SimpleMessageListenerContainer container() {
		return this.container;
	}

	@Override
	public long backlog() {
		try {
			return this.queues.depth(this.queue);
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	@Override
	public void start() {
		transition(ConsumerState.RUNNING);
	}

	@Override
	public void pause() {
		transition(ConsumerState.PAUSED);
	}

	@Override
	public void drain() {
		transition(ConsumerState.DRAINING);
		this.drainWatch.run();
	}

	@Override
	public void stop() {
		transition(ConsumerState.STOPPED);
	}

	/**
	 * Move to a state. The state changes after the container started, and before it stops:
	 * whoever reads the state (health) never sees a consumer that should run without a
	 * running container, except when it really lost it.
	 */
	private void transition(ConsumerState target) {
		this.lock.lock();
		try {
			ConsumerState previous = this.state;
			if (target == ConsumerState.RUNNING || target == ConsumerState.DRAINING) {
				this.queues.declare(this.queue);
				this.queues.declareDeadLetters(this.queue);
				if (!this.container.isRunning()) {
					this.container.start();
				}
				this.quietChecks = 0;
				this.state = target;
			}
			else {
				this.state = target;
				if (this.container.isRunning()) {
					this.container.stop();
				}
			}
			if (previous != target) {
				logger.info("RabbitMQ consumer of queue '" + this.queue + "': " + previous + " -> " + target);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * If draining, stop once the queue looked empty, with no task running, on two checks in
	 * a row (a message handed to a consumer but not yet to its task is neither in the queue's
	 * count nor running, for a moment). A message that went back to the queue on stopping
	 * restarts the drain.
	 */
	void checkDrained() {
		this.lock.lock();
		try {
			if (this.state != ConsumerState.DRAINING) {
				return;
			}
			boolean quiet = this.queues.depth(this.queue) == 0 && this.listener.inFlight() == 0;
			this.quietChecks = quiet ? this.quietChecks + 1 : 0;
			if (this.quietChecks < 2) {
				return;
			}
			// Stopped first, as for any stop: the container stops on purpose.
			this.state = ConsumerState.STOPPED;
			this.container.stop();
			if (this.queues.depth(this.queue) > 0) {
				this.container.start();
				this.state = ConsumerState.DRAINING;
				this.quietChecks = 0;
				return;
			}
			logger.info("RabbitMQ consumer of queue '" + this.queue + "' drained the queue: DRAINING -> STOPPED");
		}
		finally {
			this.lock.unlock();
		}
	}

	void shutdown() {
		this.lock.lock();
		try {
			this.container.stop();
			this.container.destroy();
		}
		finally {
			this.lock.unlock();
		}
	}

}
