package dev.kafkatask.dispatch;

/**
 * Thrown (as the failure of a dispatch) when the backend a task is routed to cannot take it
 * now and its route's {@code on-unavailable} policy is {@code fail}: the message names the
 * route and why the backend is unavailable.
 *
 * @author kafka-task
 */
public class BackendUnavailableException extends IllegalStateException {

	public BackendUnavailableException(String message) {
		super(message);
	}

}
