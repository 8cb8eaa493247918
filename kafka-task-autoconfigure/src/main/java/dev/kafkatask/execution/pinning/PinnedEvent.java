package dev.kafkatask.execution.pinning;

import java.time.Duration;

/**
 * A {@code jdk.VirtualThreadPinned} event, read into plain JDK types.
 *
 * @param threadId the {@link Thread#threadId() id} of the virtual thread that blocked
 * @param duration how long it blocked while pinned
 * @param stackSummary why it was pinned and where it blocked
 * @author kafka-task
 */
record PinnedEvent(long threadId, Duration duration, String stackSummary) {

}
