package dev.kafkatask.test;

import java.util.Locale;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Skips {@link ConsumerGroupOnly} tests in a run of the suites on share groups.
 *
 * @author kafka-task
 */
class ConsumerGroupOnlyCondition implements ExecutionCondition {

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (!TestConsumptionMode.isShare()) {
			return ConditionEvaluationResult.enabled("a consumer group run");
		}
		String reason = context.getElement()
			.flatMap((element) -> AnnotationSupport.findAnnotation(element, ConsumerGroupOnly.class))
			.map(ConsumerGroupOnly::value)
			.orElse("consumer group only");
		return ConditionEvaluationResult.disabled("share-group run (" + TestConsumptionMode.PROPERTY + "="
				+ TestConsumptionMode.name().toLowerCase(Locale.ROOT) + "): " + reason);
	}

}
