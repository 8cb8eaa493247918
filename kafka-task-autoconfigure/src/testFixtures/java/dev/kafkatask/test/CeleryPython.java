package dev.kafkatask.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;
import org.springframework.util.StringUtils;

/**
 * Python Celery 5.2 peers for interop tests: workers and clients run by Debian's
 * {@code /usr/bin/python3} with the package {@code python3-celery}, from the scripts in
 * {@code src/test/resources/celery/}, against a RabbitMQ broker.
 * <ul>
 * <li>{@link #startWorker} starts a worker on one queue whose task {@code py.record}
 * appends what it was called with to a file, one JSON line per run, read back with
 * {@link Worker#awaitRecords};</li>
 * <li>{@link #sendTask} sends a task the way a Python client does
 * ({@code app.send_task}).</li>
 * </ul>
 * Guard tests with {@link #available()} and {@link #brokerReachable()}. The broker is
 * {@value #DEFAULT_BROKER_URL} unless the environment variable {@value #BROKER_URL_ENV}
 * names another.
 *
 * @author kafka-task
 */
public final class CeleryPython {

	/**
	 * Debian's interpreter: the first {@code python3} on the {@code PATH} may be another
	 * one, without Celery.
	 */
	public static final Path PYTHON = Path.of("/usr/bin/python3");

	/**
	 * Environment variable naming the broker, as a Celery broker URL.
	 */
	public static final String BROKER_URL_ENV = "KAFKA_TASK_TEST_AMQP_URL";

	/**
	 * The broker used when {@value #BROKER_URL_ENV} is not set.
	 */
	public static final String DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//";

	/**
	 * What to do when Celery is missing, for assumption messages.
	 */
	public static final String INSTALL_HINT = "Celery is not importable by /usr/bin/python3: install the Debian "
			+ "package python3-celery (apt-get install python3-celery)";

	/**
	 * The name of the Python task that records its calls.
	 */
	public static final String RECORD_TASK = "py.record";

	private static final List<String> SCRIPTS = List.of("kt_celery_app.py", "kt_send_task.py");

	private static final Pattern READY = Pattern.compile("\\bready\\.\\s*$");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

	private static final JsonMapper JSON = new JsonMapper();

	private static volatile @Nullable Boolean available;

	private static volatile @Nullable Path scripts;

	private final String brokerUrl;

	private CeleryPython(String brokerUrl) {
		this.brokerUrl = brokerUrl;
	}

	/**
	 * Return peers for the broker named by {@value #BROKER_URL_ENV}, or the local one.
	 * @return the peers
	 */
	public static CeleryPython create() {
		String url = System.getenv(BROKER_URL_ENV);
		return new CeleryPython(StringUtils.hasText(url) ? url
				: TestRabbit.available() ? TestRabbit.celeryBrokerUrl() : DEFAULT_BROKER_URL);
	}

	/**
	 * Return peers for a broker.
	 * @param brokerUrl the broker as a Celery broker URL, such as {@value #DEFAULT_BROKER_URL}
	 * @return the peers
	 */
	public static CeleryPython create(String brokerUrl) {
		return new CeleryPython(brokerUrl);
	}

	/**
	 * Return whether {@code /usr/bin/python3} can import Celery.
	 * @return whether Celery is available
	 */
	public static boolean available() {
		Boolean result = available;
		if (result == null) {
			result = Files.isExecutable(PYTHON) && succeeds(PYTHON.toString(), "-c", "import celery");
			available = result;
		}
		return result;
	}

	/**
	 * Return the broker URL.
	 * @return the broker URL
	 */
	public String brokerUrl() {
		return this.brokerUrl;
	}

	/**
	 * Return whether the broker accepts TCP connections.
	 * @return whether the broker is reachable
	 */
	public boolean brokerReachable() {
		URI uri = URI.create(this.brokerUrl);
		int port = (uri.getPort() != -1) ? uri.getPort() : 5672;
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(uri.getHost(), port), 2_000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Start a Celery worker (solo pool, one task at a time) consuming from a queue, whose
	 * {@value #RECORD_TASK} task appends to a file. Returns once the worker says it is ready.
	 * @param queue the queue
	 * @param recordFile the file of recorded calls
	 * @return the running worker, to be closed
	 * @throws IllegalStateException if the worker does not get ready within a minute
	 */
	public Worker startWorker(String queue, Path recordFile) {
		Path directory = scripts();
		Path log = directory.resolve("worker-" + queue + "-" + System.nanoTime() + ".log");
		// Output to a file, not a pipe: Process.destroy() closes its pipes at once, and a
		// worker whose warm shutdown then writes to a broken pipe hangs instead of exiting.
		ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), "-m", "celery", "-A", "kt_celery_app", "worker",
				"-Q", queue, "-n", queue + "@%h", "--pool", "solo", "--concurrency", "1", "--without-heartbeat",
				"--without-mingle", "--without-gossip", "-l", "info")
			.directory(directory.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		Map<String, String> environment = pythonEnvironment(builder, directory);
		environment.put("KT_BROKER_URL", this.brokerUrl);
		environment.put("KT_QUEUE", queue);
		environment.put("KT_RECORD_FILE", recordFile.toAbsolutePath().toString());
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start a Celery worker", ex);
		}
		Worker worker = new Worker(queue, process, log, recordFile);
		worker.awaitReady();
		return worker;
	}

	/**
	 * Send a task with Celery's {@code send_task}, as a Python client does.
	 * @param queue the queue
	 * @param task the task name
	 * @param args the positional arguments, a JSON array
	 * @param kwargs the keyword arguments, a JSON object
	 * @return the task id
	 */
	public String sendTask(String queue, String task, String args, String kwargs) {
		return sendTask(SendTask.of(queue, task).withArgs(args).withKwargs(kwargs));
	}

	/**
	 * Send a task with Celery's {@code send_task}, as a Python client does. Returns once the
	 * broker has confirmed the message.
	 * @param task what to send
	 * @return the task id
	 * @throws IllegalStateException if the client fails, with its error output
	 */
	public String sendTask(SendTask task) {
		Path directory = scripts();
		List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "kt_send_task.py", "--broker",
				this.brokerUrl, "--queue", task.queue(), "--task", task.task(), "--args", task.args(), "--kwargs",
				task.kwargs()));
		addOption(command, "--eta", task.eta());
		addOption(command, "--expires", task.expires());
		addOption(command, "--countdown", (task.countdown() != null) ? seconds(task.countdown()) : null);
		addOption(command, "--task-id", task.taskId());
		addOption(command, "--headers", task.headers());
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
		pythonEnvironment(builder, directory);
		List<String> output = run(builder, SEND_TIMEOUT);
		if (output.size() != 1 || output.get(0).isBlank()) {
			throw new IllegalStateException("kt_send_task.py printed " + output + " instead of a task id");
		}
		return output.get(0).strip();
	}

	/**
	 * Delete a queue and the exchange of the same name that Celery declares for it.
	 * @param queue the queue
	 */
	public void deleteQueue(String queue) {
		try (Connection connection = connectionFactory().newConnection("kafka-task-tests");
				Channel channel = connection.createChannel()) {
			channel.queueDelete(queue);
			channel.exchangeDelete(queue);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not delete queue '" + queue + "'", ex);
		}
	}

	/**
	 * Return a RabbitMQ Java client connection factory for the broker, for Java code that
	 * talks to the Python peers (Spring AMQP's {@code CachingConnectionFactory} wraps one).
	 * Celery's URLs name the virtual host as kombu does: {@code amqp://host//} is
	 * {@code /}, which the Java client's own URI parsing rejects.
	 * @return a new connection factory
	 */
	public ConnectionFactory connectionFactory() {
		URI uri = URI.create(this.brokerUrl);
		ConnectionFactory factory = new ConnectionFactory();
		// Spring AMQP recovers connections itself.
		factory.setAutomaticRecoveryEnabled(false);
		factory.setHost(uri.getHost());
		factory.setPort((uri.getPort() != -1) ? uri.getPort() : 5672);
		if (uri.getUserInfo() != null) {
			String[] user = uri.getUserInfo().split(":", 2);
			factory.setUsername(user[0]);
			if (user.length > 1) {
				factory.setPassword(user[1]);
			}
		}
		String path = (uri.getPath() != null) ? uri.getPath() : "";
		factory.setVirtualHost((path.length() > 1) ? path.substring(1) : "/");
		return factory;
	}

	/**
	 * Read the calls recorded so far, one per complete line.
	 * @param recordFile the file of recorded calls
	 * @return the calls, oldest first
	 */
	public static List<RecordedTask> readRecords(Path recordFile) {
		if (!Files.exists(recordFile)) {
			return List.of();
		}
		String text;
		try {
			text = Files.readString(recordFile, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		// A line without its newline is still being written.
		String complete = text.substring(0, text.lastIndexOf('\n') + 1);
		return complete.lines().filter((line) -> !line.isBlank()).map(RecordedTask::parse).toList();
	}

	private static String seconds(Duration duration) {
		return Double.toString(duration.toNanos() / 1e9);
	}

	private static void addOption(List<String> command, String option, @Nullable String value) {
		if (value != null) {
			command.add(option);
			command.add(value);
		}
	}

	private static Map<String, String> pythonEnvironment(ProcessBuilder builder, Path directory) {
		Map<String, String> environment = builder.environment();
		// Nothing of another Python installation (pyenv and the like) may leak in.
		environment.keySet().removeIf((name) -> name.startsWith("PYTHON") || name.startsWith("PYENV"));
		environment.put("PYTHONPATH", directory.toString());
		environment.put("PYTHONUNBUFFERED", "1");
		environment.put("PYTHONDONTWRITEBYTECODE", "1");
		return environment;
	}

	private static boolean succeeds(String... command) {
		try {
			run(new ProcessBuilder(command), Duration.ofSeconds(30));
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Run a command to its end and return its standard output lines.
	 */
	private static List<String> run(ProcessBuilder builder, Duration timeout) {
		Path stdout = null;
		Path stderr = null;
		try {
			stdout = Files.createTempFile("kt-python-out", ".txt");
			stderr = Files.createTempFile("kt-python-err", ".txt");
			Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", builder.command()) + " did not end within " + timeout
						+ ": " + Files.readString(stderr));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", builder.command()) + " exited with "
						+ process.exitValue() + ": " + Files.readString(stderr));
			}
			return Files.readAllLines(stdout);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		finally {
			deleteQuietly(stdout);
			deleteQuietly(stderr);
		}
	}

	private static void deleteQuietly(@Nullable Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				// a temporary file
			}
		}
	}

	/**
	 * Return the directory the Python scripts were copied to, once per JVM.
	 */
	private static Path scripts() {
		Path directory = scripts;
		if (directory == null) {
			synchronized (CeleryPython.class) {
				directory = scripts;
				if (directory == null) {
					directory = copyScripts();
					scripts = directory;
				}
			}
		}
		return directory;
	}

	private static Path copyScripts() {
		try {
			Path directory = Files.createTempDirectory("kt-celery-python");
			for (String script : SCRIPTS) {
				try (InputStream input = CeleryPython.class.getResourceAsStream("/celery/" + script)) {
					if (input == null) {
						throw new IllegalStateException("Test resource celery/" + script + " is missing");
					}
					Files.copy(input, directory.resolve(script), StandardCopyOption.REPLACE_EXISTING);
				}
			}
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					FileSystemUtils.deleteRecursively(directory);
				}
				catch (IOException ex) {
					// the JVM is going away
				}
			}, "celery-python-cleanup"));
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not copy the Celery test scripts", ex);
		}
	}

	/**
	 * A task for {@link #sendTask(SendTask)}. Each {@code with…} method returns a copy.
	 *
	 * @param queue the queue
	 * @param task the task name
	 * @param args the positional arguments, a JSON array
	 * @param kwargs the keyword arguments, a JSON object
	 * @param eta when to run it, ISO-8601 (with an offset, or naive), or {@code null}
	 * @param expires when it expires, ISO-8601, or {@code null}
	 * @param countdown in how long to run it, or {@code null}
	 * @param taskId the task id, or {@code null} for a random one
	 * @param headers custom message headers, a JSON object, or {@code null}
	 */
	public record SendTask(String queue, String task, String args, String kwargs, @Nullable String eta,
			@Nullable String expires, @Nullable Duration countdown, @Nullable String taskId,
			@Nullable String headers) {

		public static SendTask of(String queue, String task) {
			return new SendTask(queue, task, "[]", "{}", null, null, null, null, null);
		}

		public SendTask withArgs(String args) {
			return new SendTask(this.queue, this.task, args, this.kwargs, this.eta, this.expires, this.countdown,
					this.taskId, this.headers);
		}

		public SendTask withKwargs(String kwargs) {
			return new SendTask(this.queue, this.task, this.args, kwargs, this.eta, this.expires, this.countdown,
					this.taskId, this.headers);
		}

		public SendTask withEta(String eta) {
			return new SendTask(this.queue, this.task, this.args, this.kwargs, eta, this.expires, this.countdown,
					this.taskId, this.headers);
		}

		public SendTask withExpires(String expires) {
			return new SendTask(this.queue, this.task, this.args, this.kwargs, this.eta, expires, this.countdown,
					this.taskId, this.headers);
		}

		public SendTask withCountdown(Duration countdown) {
			return new SendTask(this.queue, this.task, this.args, this.kwargs, this.eta, this.expires, countdown,
					this.taskId, this.headers);
		}

		public SendTask withTaskId(String taskId) {
			return new SendTask(this.queue, this.task, this.args, this.kwargs, this.eta, this.expires, this.countdown,
					taskId, this.headers);
		}

		public SendTask withHeaders(String headers) {
			return new SendTask(this.queue, this.task, this.args, this.kwargs, this.eta, this.expires, this.countdown,
					this.taskId, headers);
		}

	}

	/**
	 * One run of {@value #RECORD_TASK} as the Python worker saw it.
	 *
	 * @param id the task id
	 * @param task the task name
	 * @param args the positional arguments
	 * @param kwargs the keyword arguments
	 * @param eta the {@code eta} header as Celery handed it to the task, or {@code null}
	 * @param expires the {@code expires} header as Celery handed it to the task, or
	 * {@code null}
	 * @param retries the retry count
	 * @param headers the custom message headers
	 */
	public record RecordedTask(String id, String task, List<JsonNode> args, Map<String, JsonNode> kwargs,
			@Nullable String eta, @Nullable String expires, int retries, Map<String, JsonNode> headers) {

		static RecordedTask parse(String line) {
			JsonNode node = JSON.readTree(line);
			Map<String, JsonNode> kwargs = new LinkedHashMap<>();
			node.get("kwargs").forEachEntry(kwargs::put);
			Map<String, JsonNode> headers = new LinkedHashMap<>();
			JsonNode headersNode = node.get("headers");
			if (headersNode != null) {
				headersNode.forEachEntry(headers::put);
			}
			return new RecordedTask(node.get("id").stringValue(), node.get("task").stringValue(),
					List.copyOf(node.get("args").values()), kwargs, text(node.get("eta")), text(node.get("expires")),
					node.get("retries").intValue(), headers);
		}

		private static @Nullable String text(@Nullable JsonNode node) {
			return (node != null && node.isString()) ? node.stringValue() : null;
		}

	}

	/**
	 * A running Celery worker. Closing it stops it and every process it started.
	 */
	public static final class Worker implements AutoCloseable {

		private final String queue;

		private final Process process;

		private final Path log;

		private final Path recordFile;

		private Worker(String queue, Process process, Path log, Path recordFile) {
			this.queue = queue;
			this.process = process;
			this.log = log;
			this.recordFile = recordFile;
		}

		/**
		 * Wait until the worker's output says it is ready, which Celery logs once it
		 * consumes from its queue.
		 */
		private void awaitReady() {
			try {
				Awaitility.await("Celery worker on " + this.queue + " ready")
					.atMost(START_TIMEOUT)
					.pollInterval(Duration.ofMillis(50))
					.failFast("The Celery worker exited before it was ready", () -> !this.process.isAlive())
					.until(() -> output().lines().anyMatch((line) -> READY.matcher(line).find()));
			}
			catch (ConditionTimeoutException | TerminalFailureException ex) {
				close();
				throw new IllegalStateException("Celery worker for queue '" + this.queue + "' did not get ready within "
						+ START_TIMEOUT + "; its output:\n" + output(), ex);
			}
		}

		/**
		 * Return the queue the worker consumes from.
		 * @return the queue
		 */
		public String queue() {
			return this.queue;
		}

		/**
		 * Return the file the worker's output goes to.
		 * @return the log file
		 */
		public Path log() {
			return this.log;
		}

		/**
		 * Return the worker's output so far.
		 * @return the output
		 */
		public String output() {
			try {
				return Files.exists(this.log) ? Files.readString(this.log, StandardCharsets.UTF_8) : "";
			}
			catch (IOException ex) {
				return "(could not read " + this.log + ": " + ex + ")";
			}
		}

		/**
		 * Return the calls recorded so far.
		 * @return the calls, oldest first
		 */
		public List<RecordedTask> records() {
			return readRecords(this.recordFile);
		}

		/**
		 * Wait up to a minute until at least a number of calls are recorded.
		 * @param count how many calls to wait for
		 * @return the calls recorded, oldest first
		 */
		public List<RecordedTask> awaitRecords(int count) {
			return awaitRecords(count, Duration.ofSeconds(60));
		}

		/**
		 * Wait until at least a number of calls are recorded.
		 * @param count how many calls to wait for
		 * @param timeout how long to wait at most
		 * @return the calls recorded, oldest first
		 */
		public List<RecordedTask> awaitRecords(int count, Duration timeout) {
			return Awaitility.await("" + count + " calls recorded by the Celery worker on " + this.queue)
				.atMost(timeout)
				.pollInterval(Duration.ofMillis(100))
				.failFast("The Celery worker exited; see " + this.log, () -> !this.process.isAlive())
				.until(this::records, (records) -> records.size() >= count);
		}

		/**
		 * Stop the worker (a warm shutdown, forced after 15 seconds) and any process it
		 * started.
		 */
		@Override
		public void close() {
			List<ProcessHandle> descendants = this.process.descendants().toList();
			this.process.destroy();
			try {
				if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
					this.process.waitFor(10, TimeUnit.SECONDS);
				}
				descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}

	}

}
