package dev.kafkatask.execution;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.monitor.Revocation;

/**
 * The revoked tasks, as a worker checks them: a task revoked before it starts is settled
 * {@code revoked} without running, and one revoked with {@code terminate} while it runs is
 * interrupted.
 *
 * @author kafka-task
 */
public interface RevokedTasks {

	/**
	 * Return the revocation of a task, once the revocations kept when this instance started
	 * have been read (waiting for that, within a bound, the first time).
	 * @param taskId the task id
	 * @return its revocation, or {@code null}
	 * @throws InterruptedException if interrupted while the revocations are first read
	 */
	@Nullable Revocation revoked(String taskId) throws InterruptedException;

	/**
	 * Set who is told of each revocation with {@code terminate} as it is read.
	 * @param terminator takes the revocation, on the reader's thread; must not block
	 */
	void onTerminate(Consumer<Revocation> terminator);

}
