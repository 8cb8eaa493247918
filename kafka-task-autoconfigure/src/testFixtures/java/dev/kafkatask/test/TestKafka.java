package dev.kafkatask.test;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import org.springframework.util.StringUtils;

/**
 * The one place tests get Kafka from, shared by every test of a JVM:
 * <ol>
 * <li>the cluster named by the environment variable {@value #BOOTSTRAP_SERVERS_ENV}, when
 * set;</li>
 * <li>a Testcontainers Kafka broker, when a Docker engine answers;</li>
 * <li>otherwise an in-process KRaft broker (the Kafka test kit that spring-kafka-test
 * brings).</li>
 * </ol>
 * {@value #BROKER_ENV} ({@code external}, {@code testcontainers} or {@code embedded}) forces a
 * choice. Tests of several Kafka clusters get a second cluster of the same kind from
 * {@link #secondBootstrapServers()}, started the first time one asks for it and shared as the
 * first is ({@value #SECOND_BOOTSTRAP_SERVERS_ENV} names it when external).
 *
 * @author kafka-task
 */
public final class TestKafka {

	/**
	 * Environment variable naming an external cluster's bootstrap servers.
	 */
	public static final String BOOTSTRAP_SERVERS_ENV = "KAFKA_TASK_TEST_BOOTSTRAP_SERVERS";

	/**
	 * Environment variable naming a second external cluster's bootstrap servers, for tests
	 * of several clusters when {@value #BROKER_ENV} is {@code external}.
	 */
	public static final String SECOND_BOOTSTRAP_SERVERS_ENV = "KAFKA_TASK_TEST_SECOND_BOOTSTRAP_SERVERS";

	/**
	 * Environment variable forcing the kind of broker.
	 */
	public static final String BROKER_ENV = "KAFKA_TASK_TEST_BROKER";

	/**
	 * Kafka image used when Docker is available.
	 */
	public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

	private static final Log logger = LogFactory.getLog(TestKafka.class);

	private static volatile String bootstrapServers;

	private static volatile String kind;

	private static volatile String secondBootstrapServers;

	private TestKafka() {
	}

	/**
	 * Return the bootstrap servers of the shared broker, starting it on first use.
	 * @return the bootstrap servers
	 */
	public static String bootstrapServers() {
		if (bootstrapServers == null) {
			synchronized (TestKafka.class) {
				if (bootstrapServers == null) {
					bootstrapServers = start();
				}
			}
		}
		return bootstrapServers;
	}

	/**
	 * Return the bootstrap servers of a second cluster, of the same kind as the first and
	 * shared the same way, starting it on first use: only the tests of several clusters
	 * start it.
	 * @return the bootstrap servers of the second cluster
	 */
	public static String secondBootstrapServers() {
		if (secondBootstrapServers == null) {
			String first = bootstrapServers();
			synchronized (TestKafka.class) {
				if (secondBootstrapServers == null) {
					secondBootstrapServers = startSecond();
					logger.info("Tests of several clusters use a second " + kind + " Kafka broker at "
							+ secondBootstrapServers + " (the first: " + first + ")");
				}
			}
		}
		return secondBootstrapServers;
	}

	/**
	 * Return which kind of broker the tests use: {@code external}, {@code testcontainers} or
	 * {@code embedded}.
	 * @return the kind
	 */
	public static String kind() {
		bootstrapServers();
		return kind;
	}

	private static String start() {
		String forced = System.getenv(BROKER_ENV);
		String external = System.getenv(BOOTSTRAP_SERVERS_ENV);
		String choice = StringUtils.hasText(forced) ? forced.toLowerCase(Locale.ROOT)
				: StringUtils.hasText(external) ? "external" : dockerAvailable() ? "testcontainers" : "embedded";
		kind = choice;
		String servers = switch (choice) {
			case "external" -> {
				if (!StringUtils.hasText(external)) {
					throw new IllegalStateException(BROKER_ENV + "=external needs " + BOOTSTRAP_SERVERS_ENV);
				}
				yield external;
			}
			case "testcontainers" -> startContainer();
			case "embedded" -> startEmbedded();
			default -> throw new IllegalStateException("Unknown " + BROKER_ENV + " '" + forced + "'");
		};
		logger.info("Tests use a " + choice + " Kafka broker at " + servers);
		return servers;
	}

	private static String startSecond() {
		return switch (kind) {
			case "external" -> {
				String external = System.getenv(SECOND_BOOTSTRAP_SERVERS_ENV);
				if (!StringUtils.hasText(external)) {
					throw new IllegalStateException("Tests of several clusters on external brokers need "
							+ SECOND_BOOTSTRAP_SERVERS_ENV);
				}
				yield external;
			}
			case "testcontainers" -> startContainer();
			default -> startEmbedded();
		};
	}

	/**
	 * Return whether a Docker engine answers.
	 * @return whether Docker is available
	 */
	public static boolean dockerAvailable() {
		if (!StringUtils.hasText(System.getenv("DOCKER_HOST"))
				&& !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
				&& !java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".docker"))) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private static String startContainer() {
		KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
		container.start();
		Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-test-container-stop"));
		return container.getBootstrapServers();
	}

	private static void haltAttempted(String what, int code, @Nullable String message) {
		// Written to a file first: in the shutdown hook, logging may be gone already.
		String line = java.time.Instant.now() + " Kafka asked to " + what + " the JVM with " + code + ": " + message
				+ System.lineSeparator();
		try {
			java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
					"kafka-task-test-halts.log"), line, java.nio.file.StandardOpenOption.CREATE,
					java.nio.file.StandardOpenOption.APPEND);
			logger.error(line.trim());
		}
		catch (java.io.IOException | RuntimeException ex) {
			// nothing more to do while the JVM goes away
		}
	}

	private static String startEmbedded() {
		// The KRaft test kit that spring-kafka-test's EmbeddedKafkaKraftBroker wraps, started
		// here directly for one reason: EmbeddedKafkaKraftBroker formats the cluster with
		// MetadataVersion.latestTesting() (4.3-IV0, unreleased, with unstable features enabled),
		// under which idempotent produces to a fresh cluster failed now and then with
		// NOT_LEADER_OR_FOLLOWER followed by OutOfOrderSequenceException. Tests run against
		// the newest production metadata version instead, as users' clusters do.
		try {
			// Like 'kafka-storage format': the newest production metadata version and every
			// production feature (group.version for KIP-848 among them) at its default level.
			MetadataVersion version = MetadataVersion.latestProduction();
			Map<String, Short> features = new HashMap<>();
			Feature.PRODUCTION_FEATURES.forEach((feature) -> features.put(feature.featureName(), feature.defaultLevel(version)));
			TestKitNodes nodes = new TestKitNodes.Builder(BootstrapMetadata.fromVersions(version, features, "kafka-task tests"))
				.setCombined(true)
				.setNumBrokerNodes(1)
				.setNumControllerNodes(1)
				.build();
			KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
				.setConfigProp("offsets.topic.replication.factor", "1")
				.setConfigProp("offsets.topic.num.partitions", "5")
				.setConfigProp("transaction.state.log.replication.factor", "1")
				.setConfigProp("transaction.state.log.min.isr", "1")
				.setConfigProp("group.initial.rebalance.delay.ms", "0")
				.setConfigProp("auto.create.topics.enable", "false")
				// KIP-848 groups reconcile assignments through heartbeats (5 s by default).
				.setConfigProp("group.consumer.min.heartbeat.interval.ms", "100")
				.setConfigProp("group.consumer.heartbeat.interval.ms", "500")
				// Share groups (KIP-932): their state topic on one node, heartbeats as above, and
				// acquisition locks short enough for a test to see a lock renewed.
				.setConfigProp("share.coordinator.state.topic.replication.factor", "1")
				.setConfigProp("share.coordinator.state.topic.min.isr", "1")
				.setConfigProp("group.share.min.heartbeat.interval.ms", "100")
				.setConfigProp("group.share.heartbeat.interval.ms", "500")
				.setConfigProp("group.share.min.record.lock.duration.ms", "1000")
				.build();
			// Kafka may halt or exit its JVM on a fault, also while the broker closes in the
			// shutdown hook: the tests' JVM then ends with a non-zero code after every test
			// passed, and surefire fails the build ("Error occurred in starting fork"; seen in 3
			// of 6 runs of the same three test classes, none in 8 runs with these procedures).
			// Such requests are written to <java.io.tmpdir>/kafka-task-test-halts.log instead.
			Exit.setHaltProcedure((code, message) -> haltAttempted("halt", code, message));
			Exit.setExitProcedure((code, message) -> haltAttempted("exit", code, message));
			cluster.format();
			cluster.startup();
			cluster.waitForReadyBrokers();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					cluster.close();
				}
				catch (Exception ex) {
					// the JVM is going away
				}
			}, "embedded-kafka-stop"));
			return cluster.bootstrapServers();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the in-process Kafka broker", ex);
		}
	}


}
