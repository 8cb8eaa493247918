package dev.kafkatask.rabbit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.ShutdownSignalException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.context.SmartLifecycle;

/**
 * Whether kafka-task's RabbitMQ connection is up, as its connection factory reports it, so
 * that a dispatch routed to RabbitMQ while it is down fails at once (or goes to Kafka, by its
 * route's {@code on-unavailable} policy) instead of waiting for a connection timeout. While
 * the connection is down a probe opens it again every {@code probeInterval}; the listeners
 * of the factory (which declare the queues) run when it comes back, and consumers start
 * consuming then.
 * <p>
 * The application starts whether or not RabbitMQ is up: the RabbitMQ leg is optional at
 * runtime, so a RabbitMQ outage never takes the Kafka leg down with it.
 *
 * @author kafka-task
 */
public class RabbitAvailability implements ConnectionListener, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RabbitAvailability.class);

	private final ConnectionFactory connectionFactory;

	private final Duration probeInterval;

	/**
	 * One value, so that a dispatch never reads half a change (known, but not yet up: seen
	 * as "down" by a dispatch made while the first connection opened).
	 */
	private volatile State state = new State(false, false, null, Instant.now());

	private volatile @Nullable ScheduledExecutorService probe;

	/**
	 * Create a watch of a connection factory; add it to the factory's connection listeners.
	 * @param connectionFactory the factory
	 * @param probeInterval how often to try to connect while the connection is down
	 */
	public RabbitAvailability(ConnectionFactory connectionFactory, Duration probeInterval) {
		this.connectionFactory = connectionFactory;
		this.probeInterval = probeInterval;
	}

	/**
	 * Whether RabbitMQ can be used now: the connection is up, or it has not been tried yet.
	 * @return whether RabbitMQ is available
	 */
	public boolean isAvailable() {
		State current = this.state;
		return current.up() || !current.known();
	}

	/**
	 * Whether the connection is known to be up.
	 * @return whether it is up
	 */
	public boolean isConnected() {
		return this.state.up();
	}

	/**
	 * Say why RabbitMQ is not available.
	 * @return the last connection failure, or {@code null} when it is available
	 */
	public @Nullable String unavailableReason() {
		State current = this.state;
		return (current.up() || !current.known()) ? null
				: "RabbitMQ connection is down since " + current.since() + ": " + current.lastFailure();
	}

	@Override
	public void onCreate(Connection connection) {
		changed(true, null);
	}

	@Override
	public void onClose(Connection connection) {
		changed(false, "connection closed");
	}

	@Override
	public void onShutDown(ShutdownSignalException signal) {
		if (!signal.isInitiatedByApplication()) {
			changed(false, String.valueOf(signal.getMessage()));
		}
	}

	@Override
	public void onFailed(Exception failure) {
		changed(false, String.valueOf(failure.getMessage()));
	}

	private synchronized void changed(boolean nowUp, @Nullable String failure) {
		State previous = this.state;
		boolean wasUp = previous.up();
		this.state = new State(nowUp, true, failure, (wasUp != nowUp) ? Instant.now() : previous.since());
		if (wasUp != nowUp) {
			if (this.probe == null) {
				// stopped: the application closes its connection, nothing is down
				return;
			}
			if (nowUp) {
				logger.info("RabbitMQ connection of kafka-task is up");
			}
			else {
				logger.warn("RabbitMQ connection of kafka-task is down (" + failure + "); dispatches routed to"
						+ " RabbitMQ fail or go to Kafka by their route's on-unavailable policy until it is back");
			}
		}
	}

	/**
	 * Try to open the connection, if it is down: on success the factory's listeners run
	 * (queues are declared).
	 */
	void probe() {
		if (this.state.up()) {
			return;
		}
		try {
			Connection connection = this.connectionFactory.createConnection();
			boolean open = connection.isOpen();
			connection.close();
			if (open) {
				// open already, its creation told before a late shutdown of its predecessor
				changed(true, null);
			}
		}
		catch (RuntimeException ex) {
			changed(false, String.valueOf(ex.getMessage()));
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("kafka-task-rabbitmq-probe").daemon(true).factory());
		executor.scheduleWithFixedDelay(() -> {
			try {
				probe();
			}
			catch (Throwable ex) {
				// never the end of the probe: a periodic task that throws is not run again
				logger.warn("RabbitMQ connection probe failed: " + ex);
			}
		}, 0, this.probeInterval.toMillis(), TimeUnit.MILLISECONDS);
		this.probe = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.probe;
		this.probe = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.probe != null;
	}

	/**
	 * What is known of the connection.
	 *
	 * @param up whether it is up
	 * @param known whether it was tried yet
	 * @param lastFailure why it went down last
	 * @param since when it last went up or down
	 */
	private record State(boolean up, boolean known, @Nullable String lastFailure, Instant since) {
	}

}
