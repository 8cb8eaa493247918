package dev.kafkatask.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test of what only the consumer group engine has (ordered queues, committed offsets
 * and their metadata, partition assignments and rebalances, the group protocols, partition
 * gauges): a run of the suites on share groups ({@code -Dkafkatask.it.default-mode=share})
 * skips it, naming the reason.
 *
 * @author kafka-task
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ConsumerGroupOnlyCondition.class)
public @interface ConsumerGroupOnly {

	/**
	 * What the test needs that share groups do not have.
	 * @return the reason
	 */
	String value();

}
