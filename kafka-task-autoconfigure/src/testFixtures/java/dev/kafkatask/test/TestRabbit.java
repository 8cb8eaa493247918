package dev.kafkatask.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.rabbitmq.RabbitMQContainer;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.util.StringUtils;

/**
 * The one place tests get RabbitMQ from, shared by every test of a JVM, like
 * {@link TestKafka}:
 * <ol>
 * <li>the server named by the environment variable {@value #URL_ENV}
 * ({@code amqp://user:password@host:port}), when set;</li>
 * <li>a Testcontainers RabbitMQ, when a Docker engine answers;</li>
 * <li>otherwise the server on {@code 127.0.0.1:5672} (guest/guest), if one answers.</li>
 * </ol>
 * When none is there, tests that need RabbitMQ are skipped, saying why; unless
 * {@value #REQUIRED_ENV} is {@code true} (CI sets it), when they fail instead.
 *
 * @author kafka-task
 */
public final class TestRabbit {

	/**
	 * Environment variable naming a RabbitMQ server's AMQP URL.
	 */
	public static final String URL_ENV = "KAFKA_TASK_TEST_RABBITMQ";

	/**
	 * Environment variable that turns a missing RabbitMQ into failures rather than skips.
	 */
	public static final String REQUIRED_ENV = "KAFKA_TASK_TEST_RABBITMQ_REQUIRED";

	/**
	 * RabbitMQ image used when Docker is available.
	 */
	public static final String RABBITMQ_IMAGE = "rabbitmq:4.1-management";

	private static final String LOCAL_URL = "amqp://guest:guest@127.0.0.1:5672";

	private static final Log logger = LogFactory.getLog(TestRabbit.class);

	private static volatile @Nullable URI url;

	private static volatile boolean looked;

	private TestRabbit() {
	}

	/**
	 * Return the AMQP URL of the shared server, finding it on first use.
	 * @return the URL, or {@code null} when there is no RabbitMQ
	 */
	public static @Nullable URI url() {
		if (!looked) {
			synchronized (TestRabbit.class) {
				if (!looked) {
					url = find();
					looked = true;
				}
			}
		}
		return url;
	}

	/**
	 * Return whether a RabbitMQ server is there.
	 * @return whether one is
	 */
	public static boolean available() {
		return url() != null;
	}

	/**
	 * Skip the calling test, saying why, when there is no RabbitMQ; fail it instead when
	 * {@value #REQUIRED_ENV} is {@code true}.
	 * @param what the test, for the message
	 */
	public static void assumeAvailable(String what) {
		if (!available()) {
			String reason = "No RabbitMQ for " + what + ": " + missingReason();
			if (required()) {
				throw new IllegalStateException(reason + " (" + REQUIRED_ENV + "=true)");
			}
			Assumptions.abort(reason);
		}
	}

	/**
	 * Return whether tests must fail, not skip, without RabbitMQ.
	 * @return whether RabbitMQ is required
	 */
	public static boolean required() {
		return "true".equalsIgnoreCase(System.getenv(REQUIRED_ENV));
	}

	public static String host() {
		return require().getHost();
	}

	public static int port() {
		int port = require().getPort();
		return (port != -1) ? port : 5672;
	}

	public static String username() {
		return userInfo()[0];
	}

	public static String password() {
		return userInfo()[1];
	}

	/**
	 * Return the URL as Celery (kombu) writes it, with the default virtual host.
	 * @return the broker URL, {@code amqp://user:password@host:port//}
	 */
	public static String celeryBrokerUrl() {
		return "amqp://" + username() + ":" + password() + "@" + host() + ":" + port() + "//";
	}

	/**
	 * Return a new connection factory to the shared server; the caller destroys it.
	 * @return the factory
	 */
	public static CachingConnectionFactory connectionFactory() {
		CachingConnectionFactory factory = new CachingConnectionFactory(host(), port());
		factory.setUsername(username());
		factory.setPassword(password());
		return factory;
	}

	private static String[] userInfo() {
		String info = require().getUserInfo();
		if (info == null) {
			return new String[] { "guest", "guest" };
		}
		String[] parts = info.split(":", 2);
		return new String[] { parts[0], (parts.length > 1) ? parts[1] : "" };
	}

	private static URI require() {
		URI current = url();
		if (current == null) {
			throw new IllegalStateException("No RabbitMQ for the tests: " + missingReason());
		}
		return current;
	}

	static String missingReason() {
		return "set " + URL_ENV + "=amqp://user:password@host:port, start a Docker engine, or run RabbitMQ on "
				+ "127.0.0.1:5672 (guest/guest)";
	}

	private static @Nullable URI find() {
		String configured = System.getenv(URL_ENV);
		if (StringUtils.hasText(configured)) {
			logger.info("Tests use the RabbitMQ at " + redact(configured) + " (" + URL_ENV + ")");
			return URI.create(configured.trim());
		}
		if (TestKafka.dockerAvailable()) {
			return startContainer();
		}
		URI local = URI.create(LOCAL_URL);
		if (reachable(local)) {
			logger.info("Tests use the RabbitMQ server on 127.0.0.1:5672");
			return local;
		}
		logger.warn("No RabbitMQ for the tests; tests that need it are skipped: " + missingReason());
		return null;
	}

	private static URI startContainer() {
		RabbitMQContainer container = new RabbitMQContainer(RABBITMQ_IMAGE);
		container.start();
		Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "rabbitmq-test-container-stop"));
		URI uri = URI.create("amqp://" + container.getAdminUsername() + ":" + container.getAdminPassword() + "@"
				+ container.getHost() + ":" + container.getAmqpPort());
		logger.info("Tests use a Testcontainers RabbitMQ at " + container.getHost() + ":" + container.getAmqpPort());
		return uri;
	}

	private static boolean reachable(URI uri) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(uri.getHost(), (uri.getPort() != -1) ? uri.getPort() : 5672), 1_000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String redact(String url) {
		return url.replaceAll("//[^@/]*@", "//***@").toLowerCase(Locale.ROOT);
	}

}
