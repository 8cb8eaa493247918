package dev.kafkatask.execution;

import org.jspecify.annotations.Nullable;

/**
 * The way to terminate one run of a task from another thread, asked for before or while it
 * runs: a termination asked for before the run started interrupts it as soon as it starts.
 *
 * @author kafka-task
 */
final class Termination {

	private volatile TimeLimits.@Nullable Guard guard;

	private volatile @Nullable Thread thread;

	private volatile boolean requested;

	/**
	 * The run started: it may be terminated from now on.
	 */
	void attach(TimeLimits.Guard guard, Thread thread) {
		this.guard = guard;
		this.thread = thread;
		if (this.requested) {
			guard.terminate(thread);
		}
	}

	/**
	 * Terminate the run, now or as it starts.
	 */
	void terminate() {
		this.requested = true;
		TimeLimits.Guard current = this.guard;
		Thread running = this.thread;
		if (current != null && running != null) {
			current.terminate(running);
		}
	}

}
