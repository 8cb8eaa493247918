package dev.kafkatask.test;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ApplicationContext;

/**
 * Reads the members of an application's {@code kafkaTask} health composite, as Spring
 * Boot's health registry holds them.
 *
 * @author kafka-task
 */
public final class KafkaTaskHealth {

	private KafkaTaskHealth() {
	}

	/**
	 * Return one member of the composite.
	 * @param context the application
	 * @param member the member's name: worker, delays, kafka, rabbit or rabbitConsumers
	 * @return the member
	 * @throws IllegalStateException if the application has no such member
	 */
	public static HealthContributor member(ApplicationContext context, String member) {
		HealthContributor kafkaTask = context.getBean(HealthContributorRegistry.class).getContributor("kafkaTask");
		if (!(kafkaTask instanceof CompositeHealthContributor composite)) {
			throw new IllegalStateException("No kafkaTask health composite: " + kafkaTask);
		}
		HealthContributor found = composite.getContributor(member);
		if (found == null) {
			throw new IllegalStateException("No member '" + member + "' in the kafkaTask health composite");
		}
		return found;
	}

	/**
	 * Return one member of the composite that is an indicator.
	 * @param context the application
	 * @param member the member's name: worker, delays, kafka or rabbit
	 * @return the indicator
	 */
	public static HealthIndicator indicator(ApplicationContext context, String member) {
		return (HealthIndicator) member(context, member);
	}

}
