package dev.kafkatask.execution.pinning;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Opens a stream of pinned events. Lets {@link CarrierPinningDetector} keep every Flight
 * Recorder type in {@link PinnedEventStream}, so that it loads where the {@code jdk.jfr}
 * module is missing.
 *
 * @author kafka-task
 */
@FunctionalInterface
interface PinnedEventSource {

	/**
	 * Open a stream and start delivering events on a thread of its own.
	 * @param threshold the shortest pinned block to record
	 * @param events called with each pinned event
	 * @param flushed called after each batch of events the recorder flushed, even an empty one
	 * @return closes the stream
	 * @throws IllegalStateException if Flight Recorder is unavailable
	 * @throws NoClassDefFoundError if the {@code jdk.jfr} module is missing
	 */
	AutoCloseable open(Duration threshold, Consumer<PinnedEvent> events, Runnable flushed);

	/**
	 * Return the source that streams from JDK Flight Recorder.
	 * @return the Flight Recorder source
	 */
	static PinnedEventSource flightRecorder() {
		// a lambda, not a method reference, so that PinnedEventStream is linked only when opened
		return (threshold, events, flushed) -> PinnedEventStream.open(threshold, events, flushed);
	}

}
