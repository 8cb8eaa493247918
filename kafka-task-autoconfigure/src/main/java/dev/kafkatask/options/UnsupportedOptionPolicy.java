package dev.kafkatask.options;

/**
 * What happens to a dispatch that sets an option the backend it is routed to does not
 * support.
 *
 * @author kafka-task
 */
public enum UnsupportedOptionPolicy {

	/**
	 * The dispatch fails with an error naming the option and the backend (the default).
	 */
	REJECT,

	/**
	 * The task goes to RabbitMQ instead, if RabbitMQ supports every option it sets (and the
	 * application has a RabbitMQ leg); otherwise the dispatch fails as with {@link #REJECT}.
	 */
	ROUTE_TO_RABBIT,

	/**
	 * The option is dropped, with one warning per task, option and backend.
	 */
	IGNORE

}
