package dev.kafkatask.benchmarks;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.OnUnavailable;

/**
 * Options of the {@code rabbit-faults} scenario ({@link RabbitRampScenario}); the stream, the
 * workers and the timing are the {@code faults} scenario's ({@link FaultOptions}).
 *
 * @param restart how RabbitMQ is restarted
 * @param policies the route's {@code on-unavailable} policy of each phase, one restart each
 * @param rampPercent the share of the queue's tasks that the route ramps from RabbitMQ to Kafka
 * @param url the RabbitMQ server, {@code amqp://user:password@host:port}
 * @param rabbitmqctl the {@code rabbitmqctl} command
 * @param workDirectory where the workers' logs and journals go, or {@code null} for a new
 * temporary directory
 * @author kafka-task
 */
record RabbitRampOptions(Restart restart, List<OnUnavailable> policies, int rampPercent, URI url,
		String rabbitmqctl, @Nullable Path workDirectory) {

	static final String DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672";

	RabbitRampOptions {
		if (policies.isEmpty()) {
			throw new IllegalArgumentException("--on-unavailable names no policy");
		}
		if (rampPercent < 0 || rampPercent > 100) {
			throw new IllegalArgumentException("--ramp-percent must be 0 to 100, not " + rampPercent);
		}
		if (!"amqp".equals(url.getScheme()) || url.getHost() == null) {
			throw new IllegalArgumentException("--rabbitmq-url must be amqp://user:password@host:port, not " + url);
		}
		policies = List.copyOf(policies);
	}

	String host() {
		return this.url.getHost();
	}

	int port() {
		return (this.url.getPort() != -1) ? this.url.getPort() : 5672;
	}

	String username() {
		String info = this.url.getUserInfo();
		return (info != null) ? info.split(":", 2)[0] : "guest";
	}

	String password() {
		String info = this.url.getUserInfo();
		return (info != null && info.contains(":")) ? info.split(":", 2)[1] : "guest";
	}

	/**
	 * How RabbitMQ is restarted.
	 */
	enum Restart {

		/**
		 * {@code rabbitmqctl stop_app}, then {@code start_app}: the server on this machine.
		 */
		RABBITMQCTL("rabbitmqctl"),

		/**
		 * A TCP proxy of the scenario's, between every client and RabbitMQ, drops every
		 * connection and refuses new ones ({@link TcpProxy}): RabbitMQ itself runs on.
		 */
		PROXY("proxy");

		private final String id;

		Restart(String id) {
			this.id = id;
		}

		String id() {
			return this.id;
		}

		static Restart of(String name) {
			for (Restart restart : values()) {
				if (restart.id.equals(name.trim().toLowerCase(Locale.ROOT))) {
					return restart;
				}
			}
			throw new IllegalArgumentException("Unknown --restart '" + name + "': rabbitmqctl or proxy");
		}

	}

}
