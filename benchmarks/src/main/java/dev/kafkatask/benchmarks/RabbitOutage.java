package dev.kafkatask.benchmarks;

import java.io.IOException;

/**
 * A RabbitMQ outage of the {@code rabbit-faults} scenario: begun, ended, and ended for sure
 * however the run ends.
 *
 * @author kafka-task
 */
sealed interface RabbitOutage permits RabbitOutage.StopApp, RabbitOutage.ProxyCut {

	/**
	 * Return how the outage is brought about.
	 * @return {@code rabbitmqctl} or {@code proxy}
	 */
	String method();

	/**
	 * Take RabbitMQ away from its clients.
	 * @throws Exception if that failed (the outage may have begun: {@link #ensureEnded()})
	 */
	void begin() throws Exception;

	/**
	 * Give RabbitMQ back to its clients, and return once it serves.
	 * @throws Exception if that failed
	 */
	void end() throws Exception;

	/**
	 * End the outage if it was begun and not ended; say so on standard error when that fails.
	 */
	void ensureEnded();

	static RabbitOutage stopApp(Rabbitmqctl rabbitmqctl) {
		return new StopApp(rabbitmqctl);
	}

	static RabbitOutage proxyCut(TcpProxy proxy) {
		return new ProxyCut(proxy);
	}

	/**
	 * {@code rabbitmqctl stop_app}, then {@code start_app}; a shutdown hook starts RabbitMQ
	 * again if this JVM is stopped meanwhile.
	 */
	final class StopApp implements RabbitOutage {

		private final Rabbitmqctl rabbitmqctl;

		private volatile boolean stopped;

		private final Thread hook = new Thread(this::ensureEnded, "rabbitmq-start-app");

		private StopApp(Rabbitmqctl rabbitmqctl) {
			this.rabbitmqctl = rabbitmqctl;
		}

		@Override
		public String method() {
			return "rabbitmqctl";
		}

		@Override
		public void begin() throws Exception {
			// stopped from the first moment: even a stop_app that fails half-way is undone
			this.stopped = true;
			Runtime.getRuntime().addShutdownHook(this.hook);
			this.rabbitmqctl.stopApp();
		}

		@Override
		public void end() throws Exception {
			this.rabbitmqctl.startApp();
			this.stopped = false;
			try {
				Runtime.getRuntime().removeShutdownHook(this.hook);
			}
			catch (IllegalStateException ex) {
				// shutting down: the hook runs and finds RabbitMQ started
			}
		}

		@Override
		public synchronized void ensureEnded() {
			if (!this.stopped) {
				return;
			}
			try {
				this.rabbitmqctl.startApp();
				this.stopped = false;
			}
			catch (IOException | RuntimeException ex) {
				System.err.println("RabbitMQ could not be started again (rabbitmqctl start_app): " + ex
						+ "; start it by hand");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				System.err.println("Interrupted while starting RabbitMQ again: run rabbitmqctl start_app");
			}
		}

	}

	/**
	 * The proxy drops and refuses connections, then listens again.
	 */
	final class ProxyCut implements RabbitOutage {

		private final TcpProxy proxy;

		private ProxyCut(TcpProxy proxy) {
			this.proxy = proxy;
		}

		@Override
		public String method() {
			return "proxy";
		}

		@Override
		public void begin() throws IOException {
			this.proxy.mode(TcpProxy.Mode.REFUSE);
		}

		@Override
		public void end() throws IOException {
			this.proxy.mode(TcpProxy.Mode.PASS);
		}

		@Override
		public void ensureEnded() {
			try {
				this.proxy.mode(TcpProxy.Mode.PASS);
			}
			catch (IOException ex) {
				System.err.println("The proxy could not listen again: " + ex);
			}
		}

	}

}
