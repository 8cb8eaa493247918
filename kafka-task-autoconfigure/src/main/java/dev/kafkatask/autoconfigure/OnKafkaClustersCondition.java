package dev.kafkatask.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code kafka-task.kafka.clusters} names at least one cluster.
 *
 * @author kafka-task
 */
class OnKafkaClustersCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		boolean any = Binder.get(context.getEnvironment())
			.bind("kafka-task.kafka.clusters", Bindable.mapOf(String.class, KafkaTaskProperties.Cluster.class))
			.map((clusters) -> !clusters.isEmpty())
			.orElse(false);
		return any ? ConditionOutcome.match("kafka-task.kafka.clusters names Kafka clusters")
				: ConditionOutcome.noMatch("kafka-task.kafka.clusters names no Kafka cluster");
	}

}
