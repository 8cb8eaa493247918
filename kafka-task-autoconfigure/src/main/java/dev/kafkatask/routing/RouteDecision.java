package dev.kafkatask.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where one dispatch goes.
 *
 * @param backend the backend that takes the task
 * @param cluster the Kafka cluster that takes it when the backend is Kafka
 * ({@link Route#DEFAULT_CLUSTER} for the {@code spring.kafka.*} one), {@code null} otherwise
 * @param shadow a backend that takes a copy as well, or {@code null}
 * @param rule the name of the rule that decided, see {@link RoutingRules.Match#rule()}
 * @param ramped whether the dispatch fell in the rule's ramp share
 * @param onUnavailable what becomes of the dispatch if it goes to RabbitMQ while RabbitMQ is
 * unavailable
 * @author kafka-task
 */
public record RouteDecision(Backend backend, @Nullable String cluster, @Nullable Backend shadow, String rule,
		boolean ramped, OnUnavailable onUnavailable) {

	public RouteDecision {
		cluster = Route.cluster(backend, cluster);
	}

	/**
	 * Create a decision for the default Kafka cluster (when it goes to Kafka).
	 * @param backend the backend that takes the task
	 * @param shadow a backend that takes a copy as well, or {@code null}
	 * @param rule the name of the rule that decided
	 * @param ramped whether the dispatch fell in the rule's ramp share
	 * @param onUnavailable what becomes of the dispatch if it goes to RabbitMQ while it is
	 * unavailable
	 */
	public RouteDecision(Backend backend, @Nullable Backend shadow, String rule, boolean ramped,
			OnUnavailable onUnavailable) {
		this(backend, null, shadow, rule, ramped, onUnavailable);
	}

	/**
	 * Create a decision for the default Kafka cluster (when it goes to Kafka) whose dispatch
	 * fails if it goes to RabbitMQ while RabbitMQ is unavailable.
	 * @param backend the backend that takes the task
	 * @param shadow a backend that takes a copy as well, or {@code null}
	 * @param rule the name of the rule that decided
	 * @param ramped whether the dispatch fell in the rule's ramp share
	 */
	public RouteDecision(Backend backend, @Nullable Backend shadow, String rule, boolean ramped) {
		this(backend, null, shadow, rule, ramped, OnUnavailable.FAIL);
	}

}
