package dev.kafkatask.execution.pinning;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link CarrierPinningDetector}, on the running JDK's Flight Recorder. A task pins
 * its carrier by blocking in a class initialiser, which still pins on JDK 24 and later.
 * Recorder events arrive about a second late; to show that something was not reported, a
 * pinning marker task runs after it and the test waits for the marker's event.
 *
 * @author kafka-task
 */
@ExtendWith(OutputCaptureExtension.class)
class CarrierPinningDetectorTests {

	private static final Duration PIN = Duration.ofMillis(100);

	private static final Duration EVENT_DELAY = Duration.ofSeconds(15);

	private static final String MARKER = "demo.marker";

	private final Queue<Pinning> pinnings = new ConcurrentLinkedQueue<>();

	private final CarrierPinningDetector detector = new CarrierPinningDetector(
			(task, duration, stack) -> this.pinnings.add(new Pinning(task, duration, stack)));

	@BeforeEach
	void startDetector() {
		this.detector.start();
		assumeThat(this.detector.isRunning()).as("Flight Recorder is available").isTrue();
	}

	@AfterEach
	void closeDetector() {
		this.detector.close();
	}

	@Test
	void whenRegisteredTaskBlocksInClassInitialiserThenListenerIsToldWithTaskAndStack() throws Exception {
		runTask("demo.pinning", CarrierPinningDetectorTests::blockInClassInitialiser);
		await().atMost(EVENT_DELAY).untilAsserted(() -> assertThat(this.pinnings).hasSize(1));
		Pinning pinning = this.pinnings.peek();
		assertThat(pinning.task()).isEqualTo("demo.pinning");
		assertThat(pinning.duration()).isGreaterThanOrEqualTo(CarrierPinningDetector.DEFAULT_THRESHOLD);
		assertThat(pinning.stack()).contains(BlockingInitialiser.class.getName() + ".<clinit>");
	}

	@Test
	void whenUnregisteredThreadBlocksInClassInitialiserThenNothingIsReported() throws Exception {
		runTask(null, CarrierPinningDetectorTests::blockInClassInitialiser);
		assertOnlyMarkerIsReported();
	}

	@Test
	void whenTaskSleepsWithoutPinningThenNothingIsReported() throws Exception {
		runTask("demo.sleeping", () -> sleep(PIN));
		assertOnlyMarkerIsReported();
	}

	@Test
	void whenTaskSleepsInsideSynchronizedThenNothingIsReportedSinceJdk24() throws Exception {
		assumeThat(Runtime.version().feature()).as("JEP 491 (JDK 24)").isGreaterThanOrEqualTo(24);
		Object monitor = new Object();
		runTask("demo.synchronized", () -> {
			synchronized (monitor) {
				sleep(PIN);
			}
		});
		assertOnlyMarkerIsReported();
	}

	@Test
	void whenTaskPinsTwiceThenListenerIsToldTwiceAndWarningIsLoggedOnce(CapturedOutput output) throws Exception {
		runTask("demo.repeated", CarrierPinningDetectorTests::blockInClassInitialiser);
		runTask("demo.repeated", CarrierPinningDetectorTests::blockInClassInitialiser);
		await().atMost(EVENT_DELAY).untilAsserted(() -> assertThat(this.pinnings).hasSize(2));
		assertThat(this.pinnings).extracting(Pinning::task).containsOnly("demo.repeated");
		assertThat(output.getOut().split("Task 'demo.repeated' blocked", -1)).hasSize(2);
	}

	@Test
	void whenThreadWasUnregisteredLongerThanRetentionThenItIsForgotten() throws Exception {
		try (CarrierPinningDetector detector = new CarrierPinningDetector((task, duration, stack) -> {
		}, CarrierPinningDetector.DEFAULT_THRESHOLD, PinnedEventSource.flightRecorder(), Duration.ZERO)) {
			detector.start();
			Thread thread = Thread.ofVirtual().start(() -> {
				detector.register(Thread.currentThread(), "demo.forgotten");
				detector.unregister(Thread.currentThread());
			});
			thread.join();
			assertThat(detector.remembered()).isEqualTo(1);
			await().atMost(EVENT_DELAY).until(detector::remembered, (count) -> count == 0);
		}
	}

	@Test
	void whenFlightRecorderIsUnavailableThenStartLogsAndDetectorDoesNothing(CapturedOutput output) {
		try (CarrierPinningDetector detector = new CarrierPinningDetector((task, duration, stack) -> {
		}, CarrierPinningDetector.DEFAULT_THRESHOLD, (threshold, events, flushed) -> {
			throw new IllegalStateException("Flight Recorder is not available");
		}, CarrierPinningDetector.RETENTION)) {
			detector.start();
			detector.start();
			detector.register(Thread.ofVirtual().unstarted(() -> {
			}), "demo.pinning");
			assertThat(detector.isRunning()).isFalse();
			assertThat(detector.remembered()).isZero();
			assertThat(output.getOut().split("Flight Recorder is unavailable", -1)).hasSize(2);
		}
	}

	private void assertOnlyMarkerIsReported() throws InterruptedException {
		runTask(MARKER, CarrierPinningDetectorTests::blockInClassInitialiser);
		await().atMost(EVENT_DELAY)
			.untilAsserted(() -> assertThat(this.pinnings).extracting(Pinning::task).contains(MARKER));
		assertThat(this.pinnings).extracting(Pinning::task).containsExactly(MARKER);
	}

	/**
	 * Run a task on a new virtual thread, registered with the detector unless the task name
	 * is {@code null}, and wait for it to end.
	 */
	private void runTask(@Nullable String task, Runnable body) throws InterruptedException {
		Thread thread = Thread.ofVirtual().start(() -> {
			if (task != null) {
				this.detector.register(Thread.currentThread(), task);
			}
			try {
				body.run();
			}
			finally {
				if (task != null) {
					this.detector.unregister(Thread.currentThread());
				}
			}
		});
		assertThat(thread.join(EVENT_DELAY)).isTrue();
	}

	/**
	 * Initialise a fresh copy of {@link BlockingInitialiser}, so that its initialiser runs, and
	 * blocks, on every call.
	 */
	private static void blockInClassInitialiser() {
		try {
			Class.forName(BlockingInitialiser.class.getName(), true, new FreshCopyClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	record Pinning(String task, Duration duration, String stack) {

	}

	/**
	 * Blocks in its class initialiser, which pins a virtual thread to its carrier.
	 */
	static final class BlockingInitialiser {

		static {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private BlockingInitialiser() {
		}

	}

	/**
	 * Defines its own copy of {@link BlockingInitialiser} and delegates everything else.
	 */
	static final class FreshCopyClassLoader extends ClassLoader {

		private static final String NAME = BlockingInitialiser.class.getName();

		FreshCopyClassLoader() {
			super(CarrierPinningDetectorTests.class.getClassLoader());
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (!NAME.equals(name)) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> loaded = findLoadedClass(name);
				if (loaded == null) {
					byte[] bytes = classFile();
					loaded = defineClass(name, bytes, 0, bytes.length);
				}
				return loaded;
			}
		}

		private byte[] classFile() throws ClassNotFoundException {
			try (InputStream in = getParent().getResourceAsStream(NAME.replace('.', '/') + ".class")) {
				if (in == null) {
					throw new ClassNotFoundException(NAME);
				}
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
