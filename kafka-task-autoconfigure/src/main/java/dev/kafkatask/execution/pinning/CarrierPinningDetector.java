package dev.kafkatask.execution.pinning;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Detects tasks that block while their virtual thread is pinned to its carrier, which stalls
 * every other virtual thread waiting for that carrier, like a hidden blocking call under
 * gevent. Streams JDK Flight Recorder's {@code jdk.VirtualThreadPinned} events, recorded
 * when a pinned virtual thread blocks for at least the threshold, and reports those of
 * registered threads to a {@link PinningListener}. The first report of each task is also
 * logged as a warning with its stack.
 * <p>
 * On JDK 24 and later (JEP 491) {@code synchronized} and {@link Object#wait()} no longer pin;
 * blocking in a class initialiser, or under a native frame (JNI, a foreign function upcall),
 * still does.
 * <p>
 * The worker calls {@link #register(Thread, String)} before and {@link #unregister(Thread)}
 * after each task run, on the task's virtual thread. Events arrive about a second late, so a
 * thread is remembered for five seconds after it is unregistered.
 * Where Flight Recorder is unavailable, {@link #start()} logs so once and the detector does
 * nothing.
 *
 * @author kafka-task
 */
public final class CarrierPinningDetector implements AutoCloseable {

	/**
	 * Default threshold: the shortest pinned block reported.
	 */
	public static final Duration DEFAULT_THRESHOLD = Duration.ofMillis(20);

	/**
	 * How long a thread is remembered after it is unregistered, for events still in flight.
	 */
	static final Duration RETENTION = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(CarrierPinningDetector.class);

	private final PinningListener listener;

	private final Duration threshold;

	private final PinnedEventSource source;

	private final long retentionNanos;

	private final Lock lock = new ReentrantLock();

	private final Map<Long, Registration> registrations = new ConcurrentHashMap<>();

	private final Queue<Registration> unregistered = new ConcurrentLinkedQueue<>();

	private final Set<String> warnedTasks = ConcurrentHashMap.newKeySet();

	private boolean started;

	private volatile @Nullable AutoCloseable stream;

	/**
	 * Create a detector with the {@link #DEFAULT_THRESHOLD default threshold}.
	 * @param listener told about each pinned block of a registered task
	 */
	public CarrierPinningDetector(PinningListener listener) {
		this(listener, DEFAULT_THRESHOLD);
	}

	/**
	 * Create a detector.
	 * @param listener told about each pinned block of a registered task
	 * @param threshold the shortest pinned block reported
	 */
	public CarrierPinningDetector(PinningListener listener, Duration threshold) {
		this(listener, threshold, PinnedEventSource.flightRecorder(), RETENTION);
	}

	CarrierPinningDetector(PinningListener listener, Duration threshold, PinnedEventSource source,
			Duration retention) {
		if (threshold.isNegative()) {
			throw new IllegalArgumentException("Threshold must not be negative: " + threshold);
		}
		this.listener = listener;
		this.threshold = threshold;
		this.source = source;
		this.retentionNanos = retention.toNanos();
	}

	/**
	 * Start streaming pinned events. Does nothing if already started or closed, or, after
	 * logging why at INFO, if Flight Recorder is unavailable.
	 */
	public void start() {
		this.lock.lock();
		try {
			if (this.started) {
				return;
			}
			this.started = true;
			try {
				this.stream = this.source.open(this.threshold, this::pinned, this::forgetUnregistered);
			}
			catch (RuntimeException | LinkageError ex) {
				logger.info("Carrier pinning of virtual threads is not detected: Flight Recorder is unavailable ("
						+ ex + ")");
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return whether pinned events are being streamed.
	 * @return whether the detector started, Flight Recorder was available, and it is not closed
	 */
	public boolean isRunning() {
		return this.stream != null;
	}

	/**
	 * Attribute pinning of a virtual thread to a task, until the thread is unregistered. Does
	 * nothing for a platform thread or when the detector is not running.
	 * @param virtualThread the thread about to run the task
	 * @param taskName the task name
	 */
	public void register(Thread virtualThread, String taskName) {
		if (this.stream != null && virtualThread.isVirtual()) {
			this.registrations.put(virtualThread.threadId(), new Registration(virtualThread.threadId(), taskName));
		}
	}

	/**
	 * Stop attributing pinning of a thread to its task. Pinning that happened before is still
	 * reported when its event arrives within the retention period.
	 * @param virtualThread the thread that ran the task
	 */
	public void unregister(Thread virtualThread) {
		Registration registration = this.registrations.get(virtualThread.threadId());
		if (registration != null && registration.unregisteredAt == Registration.REGISTERED) {
			registration.unregisteredAt = System.nanoTime();
			this.unregistered.add(registration);
		}
	}

	/**
	 * Return how many threads are remembered, registered or within the retention period.
	 * @return the number of remembered threads
	 */
	int remembered() {
		return this.registrations.size();
	}

	private void pinned(PinnedEvent event) {
		if (event.duration().compareTo(this.threshold) < 0) {
			return; // recorded for another recording with a lower threshold
		}
		Registration registration = this.registrations.get(event.threadId());
		if (registration == null) {
			return;
		}
		String task = registration.task;
		if (this.warnedTasks.add(task)) {
			logger.warn("Task '" + task + "' blocked for " + event.duration().toMillis()
					+ " ms while its virtual thread was pinned to its carrier, holding the carrier from other"
					+ " tasks; later pinning of this task is not logged:\n" + event.stackSummary());
		}
		try {
			this.listener.pinned(task, event.duration(), event.stackSummary());
		}
		catch (RuntimeException ex) {
			logger.warn("Pinning listener failed for task '" + task + "'", ex);
		}
	}

	private void forgetUnregistered() {
		long now = System.nanoTime();
		Registration oldest;
		while ((oldest = this.unregistered.peek()) != null && now - oldest.unregisteredAt >= this.retentionNanos) {
			this.unregistered.poll();
			this.registrations.remove(oldest.threadId, oldest);
		}
	}

	/**
	 * Stop streaming and forget all threads. A closed detector cannot be started again.
	 */
	@Override
	public void close() {
		this.lock.lock();
		try {
			this.started = true;
			AutoCloseable stream = this.stream;
			this.stream = null;
			if (stream != null) {
				stream.close();
			}
		}
		catch (Exception ex) {
			logger.warn("Could not close the pinned virtual thread event stream", ex);
		}
		finally {
			this.registrations.clear();
			this.unregistered.clear();
			this.lock.unlock();
		}
	}

	/**
	 * A thread running a task. Compared by identity, so that forgetting an old registration
	 * never removes a newer one of the same thread.
	 */
	private static final class Registration {

		static final long REGISTERED = Long.MIN_VALUE;

		final long threadId;

		final String task;

		/**
		 * {@link System#nanoTime()} at unregistration; written by the task's own thread and
		 * read by the stream thread after taking the registration from the queue.
		 */
		long unregisteredAt = REGISTERED;

		Registration(long threadId, String task) {
			this.threadId = threadId;
			this.task = task;
		}

	}

}
