package dev.kafkatask.execution.pinning;

import java.time.Duration;

/**
 * Told when a task blocked while its virtual thread was pinned to its carrier. Called on the
 * detector's event stream thread, about a second after the fact; implementations must be fast
 * and should not throw.
 *
 * @author kafka-task
 * @see CarrierPinningDetector
 */
@FunctionalInterface
public interface PinningListener {

	/**
	 * A task blocked while pinned.
	 * @param task the task name given when its thread was registered
	 * @param duration how long it blocked while pinned, at least the detector's threshold
	 * @param stackSummary why the thread was pinned (when the JDK says, JDK 24 and later) and
	 * the stack it blocked in, one frame a line
	 */
	void pinned(String task, Duration duration, String stackSummary);

}
