package dev.kafkatask.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.kafkatask.routing.Route;

/**
 * Matches when {@code kafka-task.worker.clusters} names a Kafka cluster besides the
 * default one: the worker consumes a named cluster too.
 *
 * @author kafka-task
 */
class OnClusterWorkersCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		boolean any = Binder.get(context.getEnvironment())
			.bind("kafka-task.worker.clusters", Bindable.listOf(String.class))
			.map((clusters) -> clusters.stream().anyMatch((cluster) -> !Route.DEFAULT_CLUSTER.equals(cluster.trim())))
			.orElse(false);
		return any ? ConditionOutcome.match("kafka-task.worker.clusters names a Kafka cluster besides the default one")
				: ConditionOutcome.noMatch("kafka-task.worker.clusters names only the default Kafka cluster");
	}

}
