package dev.kafkatask.execution.pinning;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Consumer;

import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one class that touches JDK Flight Recorder: a {@link RecordingStream} of
 * {@code jdk.VirtualThreadPinned} events with stack traces, each read into a
 * {@link PinnedEvent}. The event is committed by the virtual thread itself when it stops
 * blocking, so its event thread is that virtual thread and
 * {@link RecordedThread#getJavaThreadId()} is its {@link Thread#threadId()}.
 *
 * @author kafka-task
 */
final class PinnedEventStream {

	static final String PINNED = "jdk.VirtualThreadPinned";

	private static final Log logger = LogFactory.getLog(PinnedEventStream.class);

	private static final int MAX_FRAMES = 32;

	/**
	 * Types of the frames that park a virtual thread, left off the top of a summary.
	 */
	private static final Set<String> PARKING_TYPES = Set.of("java.lang.VirtualThread", "java.lang.System$1",
			"jdk.internal.misc.Unsafe");

	/**
	 * Types of the frames that start a virtual thread, left off the bottom of a summary.
	 */
	private static final Set<String> STARTING_TYPES = Set.of("java.lang.VirtualThread",
			"java.lang.VirtualThread$VThreadContinuation$1", "jdk.internal.vm.Continuation");

	private PinnedEventStream() {
	}

	static AutoCloseable open(Duration threshold, Consumer<PinnedEvent> events, Runnable flushed) {
		if (!FlightRecorder.isAvailable()) {
			throw new IllegalStateException("Flight Recorder is not available");
		}
		RecordingStream stream = new RecordingStream();
		try {
			stream.enable(PINNED).withThreshold(threshold).withStackTrace();
			stream.onEvent(PINNED, (event) -> {
				PinnedEvent pinned = read(event);
				if (pinned != null) {
					events.accept(pinned);
				}
			});
			stream.onFlush(flushed);
			stream.onError((ex) -> logger.warn("Could not read a pinned virtual thread event", ex));
			stream.startAsync();
			return stream;
		}
		catch (RuntimeException ex) {
			stream.close();
			throw ex;
		}
	}

	private static @Nullable PinnedEvent read(RecordedEvent event) {
		RecordedThread thread = event.getThread();
		if (thread == null || !thread.isVirtual()) {
			return null;
		}
		return new PinnedEvent(thread.getJavaThreadId(), event.getDuration(), summary(event));
	}

	private static String summary(RecordedEvent event) {
		StringJoiner lines = new StringJoiner("\n");
		String reason = reason(event);
		if (reason != null) {
			lines.add(reason);
		}
		RecordedStackTrace stackTrace = event.getStackTrace();
		if (stackTrace == null) {
			lines.add("\t(no stack trace)");
			return lines.toString();
		}
		List<RecordedFrame> frames = stackTrace.getFrames();
		int first = 0;
		while (first < frames.size() - 1 && PARKING_TYPES.contains(type(frames.get(first)))) {
			first++;
		}
		int added = 0;
		for (int i = first; i < frames.size(); i++) {
			RecordedFrame frame = frames.get(i);
			if (isStart(frame)) {
				return lines.toString();
			}
			if (added == MAX_FRAMES) {
				lines.add("\t...");
				return lines.toString();
			}
			lines.add(describe(frame));
			added++;
		}
		if (stackTrace.isTruncated()) {
			lines.add("\t...");
		}
		return lines.toString();
	}

	/**
	 * Why the thread was pinned and what blocked it, from fields added in JDK 24.
	 */
	private static @Nullable String reason(RecordedEvent event) {
		String reason = event.hasField("pinnedReason") ? event.getString("pinnedReason") : null;
		String operation = event.hasField("blockingOperation") ? event.getString("blockingOperation") : null;
		if (reason == null) {
			return (operation != null) ? "Blocked in " + operation : null;
		}
		return (operation != null) ? reason + "; blocked in " + operation : reason;
	}

	private static boolean isStart(RecordedFrame frame) {
		String type = type(frame);
		return STARTING_TYPES.contains(type)
				|| ("java.lang.Thread".equals(type) && "runWith".equals(frame.getMethod().getName()));
	}

	private static String describe(RecordedFrame frame) {
		String line = (frame.getLineNumber() > 0) ? "(line " + frame.getLineNumber() + ")" : "";
		return "\tat " + type(frame) + "." + frame.getMethod().getName() + line;
	}

	private static String type(RecordedFrame frame) {
		return frame.getMethod().getType().getName();
	}

}
