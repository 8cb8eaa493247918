package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.jspecify.annotations.Nullable;

/**
 * The 3-node cluster of {@code scripts/kafka-cluster.sh} that the {@code faults} scenario
 * runs against: it kills, stops and starts nodes through the script, and asks the cluster
 * (through an admin client with short timeouts) who leads what and whether every replica is
 * back in sync.
 *
 * @author kafka-task
 */
final class KafkaCluster implements AutoCloseable {

	static final List<Integer> NODES = List.of(1, 2, 3);

	private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(240);

	private final Path script;

	private final Path directory;

	private final Admin admin;

	KafkaCluster(Path script, Path directory, String bootstrapServers) {
		this.script = script;
		this.directory = directory;
		this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				AdminClientConfig.CLIENT_ID_CONFIG, "faults-cluster-admin", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
				3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
	}

	/**
	 * Find {@code scripts/kafka-cluster.sh} above the working directory, or above the
	 * benchmarks jar.
	 * @param given the path given on the command line, or {@code null}
	 * @return the script
	 */
	static Path script(@Nullable String given) {
		if (given != null) {
			Path path = Path.of(given).toAbsolutePath();
			if (!Files.isRegularFile(path)) {
				throw new IllegalArgumentException("--cluster-script " + given + " is no file");
			}
			return path;
		}
		List<Path> starts = new ArrayList<>(List.of(Path.of("").toAbsolutePath()));
		String classPath = System.getProperty("java.class.path", "");
		if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
			starts.add(Path.of(classPath).toAbsolutePath().getParent());
		}
		for (Path start : starts) {
			for (Path dir = start; dir != null; dir = dir.getParent()) {
				Path candidate = dir.resolve("scripts/kafka-cluster.sh");
				if (Files.isRegularFile(candidate)) {
					return candidate;
				}
			}
		}
		throw new IllegalArgumentException(
				"scripts/kafka-cluster.sh not found above " + starts + ": give it with --cluster-script");
	}

	Path directory() {
		return this.directory;
	}

	/**
	 * Return the routes a proxy between clients and the cluster forwards: from the port each
	 * node's {@code PROXIED} listener advertises ({@code P+8+N}) to the port it listens on
	 * ({@code P+5+N}), {@code P} being the cluster's base port (in {@code cluster.env}). A
	 * client bootstrapped at the advertised ports reaches the nodes only through the proxy.
	 * @return the routes, by node
	 * @throws IOException if {@code cluster.env} cannot be read
	 */
	List<TcpProxy.Route> proxyRoutes() throws IOException {
		int base = Files.readAllLines(this.directory.resolve("cluster.env"), StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> line.startsWith("BASE_PORT="))
			.map((line) -> Integer.parseInt(line.substring("BASE_PORT=".length()).trim()))
			.findFirst()
			.orElseThrow(() -> new IOException("No BASE_PORT in " + this.directory.resolve("cluster.env")));
		return NODES.stream().map((node) -> new TcpProxy.Route(base + 8 + node, base + 5 + node)).toList();
	}

	/**
	 * Kill a node with {@code SIGKILL}.
	 * @param node the node id
	 */
	void kill(int node) throws IOException, InterruptedException {
		run("kill", "--node", Integer.toString(node));
	}

	/**
	 * Stop a node cleanly.
	 * @param node the node id
	 */
	void stopNode(int node) throws IOException, InterruptedException {
		run("stop-node", "--node", Integer.toString(node));
	}

	/**
	 * Start a node again from its data and wait until it serves.
	 * @param node the node id
	 */
	void startNode(int node) throws IOException, InterruptedException {
		run("start-node", "--node", Integer.toString(node));
	}

	/**
	 * Return the nodes that run.
	 * @return their ids
	 */
	List<Integer> running() throws IOException, InterruptedException {
		List<Integer> running = new ArrayList<>();
		for (String line : run(List.of(0, 3), "status").lines().toList()) {
			if (line.startsWith("node ") && line.contains(" running ")) {
				running.add(Integer.parseInt(line.split(" ")[1]));
			}
		}
		return running;
	}

	/**
	 * Start every node that does not run.
	 * @return the nodes started
	 */
	List<Integer> startStopped() throws IOException, InterruptedException {
		List<Integer> started = new ArrayList<>();
		List<Integer> running = running();
		for (int node : NODES) {
			if (!running.contains(node)) {
				startNode(node);
				started.add(node);
			}
		}
		return started;
	}

	/**
	 * Return how many partitions of a topic each node leads.
	 * @param topic the topic
	 * @return partitions led, by node id (every node listed)
	 */
	Map<Integer, Integer> leaders(String topic) throws Exception {
		Map<Integer, Integer> leaders = new TreeMap<>();
		NODES.forEach((node) -> leaders.put(node, 0));
		for (TopicPartitionInfo partition : describe(topic).partitions()) {
			Node leader = partition.leader();
			if (leader != null && !leader.isEmpty()) {
				leaders.merge(leader.id(), 1, Integer::sum);
			}
		}
		return leaders;
	}

	/**
	 * Return the node that leads the controller quorum (the active controller).
	 * @return its id
	 */
	int quorumLeader() throws Exception {
		return this.admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId();
	}

	/**
	 * Return the node that coordinates a consumer group, and the group's protocol.
	 * @param group the group id
	 * @return its coordinator's id and its type ({@code consumer} or {@code classic})
	 */
	Map.Entry<Integer, String> groupCoordinator(String group) throws Exception {
		ConsumerGroupDescription description = this.admin.describeConsumerGroups(List.of(group))
			.all()
			.get(10, TimeUnit.SECONDS)
			.get(group);
		return Map.entry(description.coordinator().id(),
				String.valueOf(description.type()).toLowerCase(java.util.Locale.ROOT));
	}

	/**
	 * Return the replication factor of a topic.
	 * @param topic the topic
	 * @return the replicas of its first partition
	 */
	int replicationFactor(String topic) throws Exception {
		return describe(topic).partitions().get(0).replicas().size();
	}

	private TopicDescription describe(String topic) throws Exception {
		return this.admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
	}

	/**
	 * Wait until every partition of the topics has a leader and all its replicas in sync.
	 * @param topics the topics
	 * @param timeout how long to wait
	 * @throws IllegalStateException if they are not in time
	 */
	void awaitInSync(Collection<String> topics, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		String state = "not asked yet";
		while (System.nanoTime() - deadline < 0) {
			try {
				List<String> behind = new ArrayList<>();
				for (TopicDescription description : this.admin.describeTopics(topics)
					.allTopicNames()
					.get(5, TimeUnit.SECONDS)
					.values()) {
					for (TopicPartitionInfo partition : description.partitions()) {
						if (partition.leader() == null || partition.leader().isEmpty()
								|| partition.isr().size() < partition.replicas().size()) {
							behind.add(description.name() + "-" + partition.partition());
						}
					}
				}
				if (behind.isEmpty()) {
					return;
				}
				state = behind.size() + " partition(s) without a leader or with replicas out of sync, e.g. "
						+ behind.subList(0, Math.min(5, behind.size()));
			}
			catch (Exception ex) {
				if (ex instanceof InterruptedException interrupted) {
					throw interrupted;
				}
				state = ex.toString();
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("The cluster is not whole after " + timeout + ": " + state);
	}

	/**
	 * Return settings of a broker, as it runs with them.
	 * @param node the node id
	 * @param names the settings
	 * @return the values, by name
	 */
	Map<String, String> brokerConfig(int node, String... names) throws Exception {
		return config(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(node)), names);
	}

	/**
	 * Return settings of a topic.
	 * @param topic the topic
	 * @param names the settings
	 * @return the values, by name
	 */
	Map<String, String> topicConfig(String topic, String... names) throws Exception {
		return config(new ConfigResource(ConfigResource.Type.TOPIC, topic), names);
	}

	private Map<String, String> config(ConfigResource resource, String... names) throws Exception {
		Config config = this.admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
		Map<String, String> values = new LinkedHashMap<>();
		for (String name : names) {
			ConfigEntry entry = config.get(name);
			values.put(name, (entry != null) ? entry.value() : null);
		}
		return values;
	}

	private String run(String... arguments) throws IOException, InterruptedException {
		return run(List.of(0), arguments);
	}

	private String run(List<Integer> expected, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", this.script.toString()));
		command.addAll(List.of(arguments));
		command.addAll(List.of("--dir", this.directory.toString()));
		Path output = Files.createTempFile(this.directory, "script", ".out");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new IllegalStateException("kafka-cluster.sh " + String.join(" ", arguments)
						+ " did not finish within " + SCRIPT_TIMEOUT + ":\n" + Files.readString(output));
			}
			String text = Files.readString(output, StandardCharsets.UTF_8);
			if (!expected.contains(process.exitValue())) {
				throw new IllegalStateException("kafka-cluster.sh " + String.join(" ", arguments) + " failed ("
						+ process.exitValue() + "):\n" + text);
			}
			return text;
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	/**
	 * Return the nodes in the order of how many partitions of the topic they lead, most first.
	 * @param leaders partitions led, by node
	 * @return the node ids
	 */
	static List<Integer> byLeadership(Map<Integer, Integer> leaders) {
		List<Integer> nodes = new ArrayList<>(new TreeSet<>(leaders.keySet()));
		nodes.sort((a, b) -> Integer.compare(leaders.get(b), leaders.get(a)));
		return nodes;
	}

	@Override
	public void close() {
		this.admin.close(Duration.ofSeconds(5));
	}

}
