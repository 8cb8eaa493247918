package dev.kafkatask.kafka.worker;

import org.jspecify.annotations.Nullable;

/**
 * A worker's loop around one consumer, run on its own thread by a
 * {@link PollLoopSupervisor}: the consumer-group {@link PollLoop} or a {@link ShareLoop}.
 *
 * @author kafka-task
 */
interface ConsumerLoop extends Runnable {

	/**
	 * Return why the loop ended on its own, if it did.
	 * @return the failure, or {@code null} if it ran until it was asked to stop
	 */
	@Nullable Throwable failure();

}
