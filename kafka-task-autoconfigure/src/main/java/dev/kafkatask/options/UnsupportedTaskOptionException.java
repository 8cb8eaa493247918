package dev.kafkatask.options;

import java.util.Collection;

import dev.kafkatask.routing.Backend;

/**
 * A dispatch set options that the backend it was routed to does not support, and the
 * task's policy is to reject it.
 *
 * @author kafka-task
 */
public class UnsupportedTaskOptionException extends IllegalArgumentException {

	public UnsupportedTaskOptionException(String task, Backend backend, Collection<TaskOption> options) {
		super("Task '" + task + "' sets option(s) " + options + " that " + backend + " does not support"
				+ " (unsupported-option policy: reject; see the option whitelist in /actuator/kafkatasks)");
	}

}
